import { Hono } from 'hono';
import { DomainError } from '../../domain/errors.js';
import { recordChange } from '../audit-trail.js';
import { allow } from '../auth.js';
import { jsonBody, validate } from '../body.js';
import type { AppDeps, AppEnv } from '../env.js';
import { idempotent } from '../idempotency.js';
import { reply } from '../reply.js';
import { DeadLettersQuery, Id, WebhookBody } from '../schemas.js';
import { describe } from '../openapi/describe.js';
import { AnyRecord, DeadLetterPage, DeletedWebhook, itemsOf, Webhook } from '../replies.js';
import { z } from 'zod';

/**
 * `PUT/GET/DELETE /webhooks/:id`, `GET /webhooks`; dead letters: `GET /webhooks/dead`,
 * `POST /webhooks/dead/:id/replay`, `DELETE /webhooks/dead/:id`. All need the `config` permission: endpoints
 * hold secrets, and a replay sends data out.
 */
export function webhookRoutes({ fulcrum, audit, idempotency, webhooks }: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.use(allow('config'));

  // Registered before `/:id` so that `dead` is never taken for an endpoint id.
  app.get('/dead', describe({ summary: 'List dead letters', description: 'Deliveries that ran out of attempts, oldest first.', query: DeadLettersQuery, replies: { 200: { description: 'A page of dead letters', schema: DeadLetterPage } } }), (c) => {
    const q = validate(DeadLettersQuery, c.req.query(), 'the query is not valid');
    return c.json(webhooks.deadLetters(q));
  });
  app.post('/dead/:id/replay', describe({ summary: 'Replay a dead letter', replies: { 202: { description: 'Queued for delivery again', schema: AnyRecord } }, errors: ['not_found', 'conflict'] }), idempotent(idempotency, () => fulcrum.engine.clock.now()), (c) => reply(c, 202, webhooks.replay(c.req.param('id'))));
  app.delete('/dead/:id', describe({ summary: 'Discard a dead letter', replies: { 200: { description: 'The discarded dead letter', schema: AnyRecord } }, errors: ['not_found'] }), (c) => reply(c, 200, webhooks.discard(c.req.param('id'))));

  app.put('/:id', describe({ summary: 'Create or replace a webhook endpoint', description: 'Events are POSTed to `url`, signed with `secret` (never shown again).', body: WebhookBody, params: z.object({ id: Id }), replies: { 200: { description: 'Replaced', schema: Webhook }, 201: { description: 'Created', schema: Webhook } } }), async (c) => {
    const id = endpointId(c.req.param('id'));
    const body = await jsonBody(c, WebhookBody);
    const old = webhooks.endpoints.get(id);
    const before = old ? webhooks.endpoint(id) : null;
    const committed = webhooks.putEndpoint(id, body);
    // The secret itself is never recorded, only whether this change replaced it.
    const after = { ...committed.value, secretChanged: old === undefined || old.secret !== body.secret };
    recordChange(c, audit, { action: 'webhook.put', target: { type: 'webhook', id }, before, after });
    return reply(c, old ? 200 : 201, committed);
  });
  app.get('/', describe({ summary: 'List webhook endpoints', replies: { 200: { description: 'Every endpoint', schema: itemsOf(Webhook) } } }), (c) => c.json({ items: webhooks.listEndpoints() }));
  app.get('/:id', describe({ summary: 'Get a webhook endpoint', replies: { 200: { description: 'The endpoint', schema: Webhook } }, errors: ['not_found'] }), (c) => c.json(webhooks.endpoint(c.req.param('id'))));
  app.delete('/:id', describe({ summary: 'Delete a webhook endpoint', description: 'Its pending deliveries are dropped.', replies: { 200: { description: 'The endpoint is gone, with its pending deliveries', schema: DeletedWebhook } }, errors: ['not_found'] }), async (c) => {
    const before = webhooks.endpoint(c.req.param('id'));
    const deleted = await webhooks.deleteEndpoint(c.req.param('id'));
    // Recorded once the delete is durable (it spans two writes: pending deliveries, then the endpoint).
    await recordChange(c, audit, { action: 'webhook.delete', target: { type: 'webhook', id: deleted.id }, before, after: null });
    return c.json(deleted);
  });
  return app;
}

function endpointId(raw: string): string {
  const id = validate(Id, raw, 'the webhook id in the path is not valid');
  if (id === 'dead') throw new DomainError('invalid_request', "'dead' is reserved (GET /webhooks/dead lists dead letters); choose another webhook id", [{ path: 'id', message: 'reserved' }]);
  return id;
}
