import { Hono } from 'hono';
import { DomainError } from '../../domain/errors.js';
import { upsertPool } from '../../stock/index.js';
import type { PoolDefinition } from '../../stock/index.js';
import { allow } from '../auth.js';
import { jsonBody, validate } from '../body.js';
import type { AppDeps, AppEnv } from '../env.js';
import { reply } from '../reply.js';
import { Id, PoolBody } from '../schemas.js';

/** `PUT/GET /pools/:id`, `GET /pools`. */
export function poolRoutes({ fulcrum }: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.put('/:id', allow('config'), async (c) => {
    const id = validate(Id, c.req.param('id'), 'the pool id in the path is not valid');
    const body = await jsonBody(c, PoolBody);
    const existed = fulcrum.stock.index.pool(id) !== undefined;
    const def: PoolDefinition = { id, ...body } as PoolDefinition;
    return reply(c, existed ? 200 : 201, upsertPool(fulcrum, def));
  });
  app.get('/', allow('network:read'), (c) => c.json({ items: fulcrum.stock.index.poolIds().sort().map((id) => fulcrum.stock.index.pool(id)) }));
  app.get('/:id', allow('network:read'), (c) => {
    const pool = fulcrum.stock.index.pool(c.req.param('id'));
    if (!pool) throw new DomainError('not_found', `no pool '${c.req.param('id')}'`);
    return c.json(pool);
  });
  return app;
}
