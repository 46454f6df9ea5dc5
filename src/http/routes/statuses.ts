import { Hono } from 'hono';
import { upsertStatus } from '../../stock/index.js';
import { recordChange } from '../audit-trail.js';
import { allow } from '../auth.js';
import { jsonBody, validate } from '../body.js';
import type { AppDeps, AppEnv } from '../env.js';
import { reply } from '../reply.js';
import { StatusBody } from '../schemas.js';
import { z } from 'zod';
import { described } from '../openapi/describe.js';
import { itemsOf, QuantityStatus } from '../replies.js';

const StatusName = z.string().regex(/^[a-z][a-z0-9_]{0,49}$/, 'must be 1-50 characters of a-z, 0-9 and _, starting with a letter');

/** `PUT /statuses/:name`, `GET /statuses`: quantity statuses and whether each counts toward availability. */
export function statusRoutes({ fulcrum, audit }: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.put('/:name', described({ summary: 'Create or replace a quantity status', description: 'A status stock can be in (`damaged`, `quarantine`...) and whether it counts toward availability.', body: StatusBody, params: z.object({ name: StatusName }), replies: { 200: { description: 'Replaced', schema: QuantityStatus }, 201: { description: 'Created', schema: QuantityStatus } }, errors: ['conflict'] }, allow('config')), async (c) => {
    const name = validate(StatusName, c.req.param('name'), 'the status name in the path is not valid');
    const body = await jsonBody(c, StatusBody);
    const before = fulcrum.stock.statuses.all().find((s) => s.name === name) ?? null;
    const committed = upsertStatus(fulcrum, { name, ...body });
    recordChange(c, audit, { action: 'status.put', target: { type: 'status', id: name }, before, after: committed.value });
    return reply(c, before ? 200 : 201, committed);
  });
  app.get('/', described({ summary: 'List quantity statuses', replies: { 200: { description: 'Every status', schema: itemsOf(QuantityStatus) } } }, allow('network:read')), (c) => c.json({ items: fulcrum.stock.statuses.all() }));
  return app;
}
