import { Hono } from 'hono';
import { upsertStatus } from '../../stock/index.js';
import { recordChange } from '../audit-trail.js';
import { allow } from '../auth.js';
import { jsonBody, validate } from '../body.js';
import type { AppDeps, AppEnv } from '../env.js';
import { reply } from '../reply.js';
import { StatusBody } from '../schemas.js';
import { z } from 'zod';

const StatusName = z.string().regex(/^[a-z][a-z0-9_]{0,49}$/, 'must be 1-50 characters of a-z, 0-9 and _, starting with a letter');

/** `PUT /statuses/:name`, `GET /statuses`: quantity statuses and whether each counts toward availability. */
export function statusRoutes({ fulcrum, audit }: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.put('/:name', allow('config'), async (c) => {
    const name = validate(StatusName, c.req.param('name'), 'the status name in the path is not valid');
    const body = await jsonBody(c, StatusBody);
    const before = fulcrum.stock.statuses.all().find((s) => s.name === name) ?? null;
    const committed = upsertStatus(fulcrum, { name, ...body });
    recordChange(c, audit, { action: 'status.put', target: { type: 'status', id: name }, before, after: committed.value });
    return reply(c, before ? 200 : 201, committed);
  });
  app.get('/', allow('network:read'), (c) => c.json({ items: fulcrum.stock.statuses.all() }));
  return app;
}
