import { Hono } from 'hono';
import type { LocationInfo } from '../../../actors/index.js';
import { DomainError } from '../../domain/errors.js';
import type { Engine } from '../../engine/index.js';
import { upsertLocation } from '../../stock/index.js';
import { recordChange } from '../audit-trail.js';
import { allow } from '../auth.js';
import { jsonBody, validate } from '../body.js';
import type { AppDeps, AppEnv } from '../env.js';
import { reply } from '../reply.js';
import { Id, LocationBody } from '../schemas.js';

/** `PUT/GET /locations/:id`, `GET /locations`. */
export function locationRoutes({ fulcrum, audit }: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.put('/:id', allow('config'), async (c) => {
    const id = validate(Id, c.req.param('id'), 'the location id in the path is not valid');
    const body = await jsonBody(c, LocationBody);
    const before = fulcrum.engine.location(id) ? locationView(fulcrum.engine, id) : null;
    const committed = upsertLocation(fulcrum, id, body as LocationInfo);
    const after = locationView(fulcrum.engine, id);
    recordChange(c, audit, { action: 'location.put', target: { type: 'location', id }, before, after });
    return reply(c, committed.value.created ? 201 : 200, { ...committed, value: after });
  });
  app.get('/', allow('network:read'), (c) => {
    const items = [...fulcrum.engine.registry.locations.keys()].sort().map((id) => locationView(fulcrum.engine, id));
    return c.json({ items });
  });
  app.get('/:id', allow('network:read'), (c) => {
    const id = c.req.param('id');
    if (!fulcrum.engine.location(id)) throw new DomainError('not_found', `no location '${id}'`);
    return c.json(locationView(fulcrum.engine, id));
  });
  return app;
}

function locationView(engine: Engine, id: string): LocationInfo & { id: string; skus: number } {
  const entry = engine.location(id)!;
  return { id, ...engine.locationInfo(entry), skus: entry.actor.getSnapshot().context.positions.size };
}
