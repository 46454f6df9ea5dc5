import { Hono } from 'hono';
import { DomainError } from '../../domain/errors.js';
import { allow } from '../auth.js';
import { validate } from '../body.js';
import type { AppDeps, AppEnv } from '../env.js';
import { described } from '../openapi/describe.js';
import { itemsOf, Job } from '../replies.js';
import { z } from 'zod';

const Query = z.strictObject({ limit: z.coerce.number().int().min(1).max(100).default(20) });

/** `GET /jobs/:id` (a bulk load's or a backtest's progress and outcome) and `GET /jobs?limit=` (both kinds, newest first). */
export function jobRoutes({ bulk, sourcing }: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get('/', described({ summary: 'List jobs (bulk loads and sourcing backtests)', description: 'Newest first.', query: Query, replies: { 200: { description: 'The jobs', schema: itemsOf(Job) } } }, allow('inventory:read')), (c) => {
    const q = validate(Query, c.req.query(), 'the query is not valid');
    const items = [...bulk.list(q.limit), ...(sourcing.backtests?.list() ?? [])].sort((a, b) => (a.id < b.id ? 1 : -1)).slice(0, q.limit);
    return c.json({ items });
  });
  app.get('/:id', described({ summary: "Get a job's progress (a bulk load or a sourcing backtest)", replies: { 200: { description: 'The job', schema: Job } }, errors: ['not_found'] }, allow('inventory:read')), (c) => {
    const view = sourcing.backtests?.view(c.req.param('id')) ?? bulk.view(c.req.param('id'));
    if (!view) throw new DomainError('not_found', `no job '${c.req.param('id')}'`);
    return c.json(view);
  });
  return app;
}
