import { Hono } from 'hono';
import { DomainError } from '../../domain/errors.js';
import { holdView, placeHold, releaseHold } from '../../holds/index.js';
import { can } from '../../auth/index.js';
import { allow } from '../auth.js';
import { jsonBody } from '../body.js';
import type { AppDeps, AppEnv } from '../env.js';
import { idempotent } from '../idempotency.js';
import { reply } from '../reply.js';
import { HoldBody } from '../schemas.js';
import { described } from '../openapi/describe.js';
import { Hold } from '../replies.js';

/** `POST /holds`, `GET /holds/:id`, `DELETE /holds/:id`: cart holds (soft reservations with a deadline). */
export function holdRoutes({ fulcrum, idempotency }: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.post('/', described({ summary: 'Place a cart hold', description: 'Reserves units for a cart until `ttlSeconds` pass; an order naming the hold takes them over.', body: HoldBody, replies: { 201: { description: 'The hold', schema: Hold } }, errors: ['insufficient_stock', 'conflict', 'not_found', 'forbidden'] }, allow('holds')), idempotent(idempotency, () => fulcrum.engine.clock.now()), async (c) => {
    const body = await jsonBody(c, HoldBody);
    return reply(c, 201, placeHold(fulcrum, body, c.get('principal').keyId, c.get('principal').channels));
  });
  app.get('/:id', described({ summary: 'Get a cart hold', description: 'A storefront key sees only its own holds.', replies: { 200: { description: 'The hold', schema: Hold } }, errors: ['not_found'] }, allow('holds')), (c) => {
    const view = holdView(fulcrum, c.req.param('id'));
    const p = c.get('principal');
    if (!view || (!can(p, 'orders:read-any') && view.createdBy !== p.keyId)) throw new DomainError('not_found', `no hold '${c.req.param('id')}'`);
    return c.json(view);
  });
  app.delete('/:id', described({ summary: 'Release a cart hold', replies: { 200: { description: 'The hold, released', schema: Hold } }, errors: ['not_found', 'invalid_state'] }, allow('holds')), (c) => {
    const p = c.get('principal');
    return reply(c, 200, releaseHold(fulcrum, c.req.param('id'), { keyId: p.keyId, anyOwner: can(p, 'orders:read-any') }));
  });
  return app;
}
