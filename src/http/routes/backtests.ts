import { Hono } from 'hono';
import { DomainError } from '../../domain/errors.js';
import type { Backtests } from '../../lab/index.js';
import { allow } from '../auth.js';
import { jsonDocument } from '../body.js';
import type { AppDeps, AppEnv } from '../env.js';

/**
 * `POST /sourcing/backtests` `{profile, from, to, filter?}` starts a backtest of a draft profile (202, progress
 * at `GET /jobs/:id`); `GET /sourcing/backtests/:id` its report; `GET .../:id/orders?offset=&limit=&changed=`
 * its per-order rows; `DELETE /sourcing/backtests/:id` or `POST .../:id/cancel` stops it.
 */
export function backtestRoutes({ sourcing }: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const lab = (): Backtests => {
    if (!sourcing.backtests) throw new DomainError('unavailable', 'backtests are not enabled on this server');
    return sourcing.backtests;
  };
  app.get('/', allow('network:read'), (c) => c.json({ items: lab().list() }));
  app.post('/', allow('config'), async (c) => {
    const view = lab().start(await jsonDocument(c), c.get('principal').keyId);
    return c.json(view, 202, { location: `/jobs/${view.id}` });
  });
  app.get('/:id', allow('network:read'), (c) => c.json(lab().report(c.req.param('id'))));
  app.get('/:id/orders', allow('network:read'), (c) => {
    const offset = whole(c.req.query('offset') ?? '0', 'offset', 0, Number.MAX_SAFE_INTEGER);
    const limit = whole(c.req.query('limit') ?? '100', 'limit', 1, 1000);
    const changed = c.req.query('changed') === 'true';
    return c.json(lab().orders(c.req.param('id'), offset, limit, changed));
  });
  const cancel = async (id: string) => lab().cancel(id);
  app.delete('/:id', allow('config'), async (c) => c.json(await cancel(c.req.param('id'))));
  app.post('/:id/cancel', allow('config'), async (c) => c.json(await cancel(c.req.param('id'))));
  return app;
}

function whole(raw: string, name: string, min: number, max: number): number {
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < min || n > max) {
    throw new DomainError('invalid_request', `${name} must be a whole number from ${min} to ${max}`, [{ path: name, message: `must be from ${min} to ${max}` }]);
  }
  return n;
}
