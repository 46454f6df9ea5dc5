import { Hono } from 'hono';
import { DomainError } from '../../domain/errors.js';
import { allow } from '../auth.js';
import type { AppDeps, AppEnv } from '../env.js';

/** `GET /jobs/:id` (a bulk load's or a backtest's progress and outcome) and `GET /jobs?limit=` (both kinds, newest first). */
export function jobRoutes({ bulk, sourcing }: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get('/', allow('inventory:read'), (c) => {
    const raw = c.req.query('limit') ?? '20';
    if (!/^\d+$/.test(raw) || Number(raw) < 1 || Number(raw) > 100) {
      throw new DomainError('invalid_request', 'limit must be a whole number from 1 to 100', [{ path: 'limit', message: 'must be from 1 to 100' }]);
    }
    const limit = Number(raw);
    const items = [...bulk.list(limit), ...(sourcing.backtests?.list() ?? [])].sort((a, b) => (a.id < b.id ? 1 : -1)).slice(0, limit);
    return c.json({ items });
  });
  app.get('/:id', allow('inventory:read'), (c) => {
    const view = sourcing.backtests?.view(c.req.param('id')) ?? bulk.view(c.req.param('id'));
    if (!view) throw new DomainError('not_found', `no job '${c.req.param('id')}'`);
    return c.json(view);
  });
  return app;
}
