import { Hono } from 'hono';
import { DomainError } from '../../domain/errors.js';
import { upsertPool } from '../../stock/index.js';
import type { PoolDefinition } from '../../stock/index.js';
import { recordChange } from '../audit-trail.js';
import { allow } from '../auth.js';
import { jsonBody, validate } from '../body.js';
import type { AppDeps, AppEnv } from '../env.js';
import { reply } from '../reply.js';
import { Id, PoolBody } from '../schemas.js';
import { described } from '../openapi/describe.js';
import { itemsOf, Pool } from '../replies.js';
import { z } from 'zod';

/** `PUT/GET /pools/:id`, `GET /pools`. */
export function poolRoutes({ fulcrum, audit }: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.put('/:id', described({ summary: 'Create or replace a pool', description: 'A set of locations that sells together, with buffers held back from ATS.', body: PoolBody, params: z.object({ id: Id }), replies: { 200: { description: 'Replaced', schema: Pool }, 201: { description: 'Created', schema: Pool } }, errors: ['conflict'] }, allow('config')), async (c) => {
    const id = validate(Id, c.req.param('id'), 'the pool id in the path is not valid');
    const body = await jsonBody(c, PoolBody);
    const before = fulcrum.stock.index.pool(id) ?? null;
    const def: PoolDefinition = { id, ...body } as PoolDefinition;
    const committed = upsertPool(fulcrum, def);
    recordChange(c, audit, { action: 'pool.put', target: { type: 'pool', id }, before, after: committed.value });
    return reply(c, before ? 200 : 201, committed);
  });
  app.get('/', described({ summary: 'List pools', replies: { 200: { description: 'Every pool', schema: itemsOf(Pool) } } }, allow('network:read')), (c) => c.json({ items: fulcrum.stock.index.poolIds().sort().map((id) => fulcrum.stock.index.pool(id)) }));
  app.get('/:id', described({ summary: 'Get a pool', replies: { 200: { description: 'The pool', schema: Pool } }, errors: ['not_found'] }, allow('network:read')), (c) => {
    const pool = fulcrum.stock.index.pool(c.req.param('id'));
    if (!pool) throw new DomainError('not_found', `no pool '${c.req.param('id')}'`);
    return c.json(pool);
  });
  return app;
}
