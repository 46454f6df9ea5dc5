import { Hono } from 'hono';
import { z } from 'zod';
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
import { described } from '../openapi/describe.js';
import { itemsOf, Location } from '../replies.js';

/** `PUT/GET /locations/:id`, `GET /locations`. */
export function locationRoutes({ fulcrum, audit }: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.put('/:id', described({ summary: 'Create or replace a location', body: LocationBody, params: z.object({ id: Id }), replies: { 200: { description: 'Replaced', schema: Location }, 201: { description: 'Created', schema: Location } } }, allow('config')), async (c) => {
    const id = validate(Id, c.req.param('id'), 'the location id in the path is not valid');
    const body = await jsonBody(c, LocationBody);
    const before = fulcrum.engine.location(id) ? locationView(fulcrum.engine, id) : null;
    const committed = upsertLocation(fulcrum, id, body as LocationInfo);
    const after = locationView(fulcrum.engine, id);
    recordChange(c, audit, { action: 'location.put', target: { type: 'location', id }, before, after });
    return reply(c, committed.value.created ? 201 : 200, { ...committed, value: after });
  });
  app.get('/', described({ summary: 'List locations', replies: { 200: { description: 'Every location', schema: itemsOf(Location) } } }, allow('network:read')), (c) => {
    const items = [...fulcrum.engine.registry.locations.keys()].sort().map((id) => locationView(fulcrum.engine, id));
    return c.json({ items });
  });
  app.get('/:id', described({ summary: 'Get a location', replies: { 200: { description: 'The location', schema: Location } }, errors: ['not_found'] }, allow('network:read')), (c) => {
    const id = c.req.param('id');
    if (!fulcrum.engine.location(id)) throw new DomainError('not_found', `no location '${id}'`);
    return c.json(locationView(fulcrum.engine, id));
  });
  return app;
}

function locationView(engine: Engine, id: string): LocationInfo & { id: string; skus: number } {
  const entry = engine.location(id)!;
  return { id, ...engine.locationInfo(entry), skus: entry.snapshot.context.positions.size };
}
