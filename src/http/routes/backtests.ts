import { Hono } from 'hono';
import { DomainError } from '../../domain/errors.js';
import type { Backtests } from '../../lab/index.js';
import { allow } from '../auth.js';
import { jsonDocument } from '../body.js';
import type { AppDeps, AppEnv } from '../env.js';
import { described } from '../openapi/describe.js';
import { AnyRecord, BacktestOrders, BacktestReport, itemsOf, Job } from '../replies.js';

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
  app.get('/', described({ summary: 'List backtests', replies: { 200: { description: 'The backtests, newest first', schema: itemsOf(Job) } }, errors: ['unavailable'] }, allow('network:read')), (c) => c.json({ items: lab().list() }));
  app.post('/', described({ summary: 'Backtest a draft sourcing profile', description: 'Replays the orders taken from `from` to `to` (optionally `filter`ed) against `profile` (a draft document or `{id, version}`) and against the profile that was live, in a sandbox: nothing live changes. 202; progress at `GET /jobs/:id`. 400 lists every problem of the draft; 409 when the period holds more orders than the configured limit.', body: AnyRecord, replies: { 202: { description: 'The backtest, running', schema: Job } }, errors: ['conflict', 'unavailable'] }, allow('config')), async (c) => {
    const view = lab().start(await jsonDocument(c), c.get('principal').keyId);
    return c.json(view, 202, { location: `/jobs/${view.id}` });
  });
  app.get('/:id', described({ summary: "A backtest's report", description: 'Both sides: cost by term, shipments per order, splits, distance, load by location, the orders whose plan changed (with both explanations) and those the draft could not source.', replies: { 200: { description: 'The report', schema: BacktestReport } }, errors: ['not_found', 'unavailable'] }, allow('network:read')), (c) => c.json(lab().report(c.req.param('id'))));
  app.get('/:id/orders', described({ summary: "A backtest's per-order rows", description: '`offset` (default 0), `limit` (1-1000, default 100), `changed=true` for the orders whose plan changed only.', replies: { 200: { description: 'A page of rows', schema: BacktestOrders } }, errors: ['not_found', 'unavailable'] }, allow('network:read')), (c) => {
    const offset = whole(c.req.query('offset') ?? '0', 'offset', 0, Number.MAX_SAFE_INTEGER);
    const limit = whole(c.req.query('limit') ?? '100', 'limit', 1, 1000);
    const changed = c.req.query('changed') === 'true';
    return c.json(lab().orders(c.req.param('id'), offset, limit, changed));
  });
  const cancel = async (id: string) => lab().cancel(id);
  const cancelDoc = { summary: 'Cancel a running backtest', description: 'It stops and says how far it got; 409 when it is not running.', replies: { 200: { description: 'The backtest, cancelled', schema: Job } }, errors: ['not_found', 'invalid_state', 'unavailable'] } as const;
  app.delete('/:id', described({ ...cancelDoc, errors: [...cancelDoc.errors] }, allow('config')), async (c) => c.json(await cancel(c.req.param('id'))));
  app.post('/:id/cancel', described({ ...cancelDoc, errors: [...cancelDoc.errors] }, allow('config')), async (c) => c.json(await cancel(c.req.param('id'))));
  return app;
}

function whole(raw: string, name: string, min: number, max: number): number {
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < min || n > max) {
    throw new DomainError('invalid_request', `${name} must be a whole number from ${min} to ${max}`, [{ path: name, message: `must be from ${min} to ${max}` }]);
  }
  return n;
}
