import { Hono } from 'hono';
import { DomainError } from '../../domain/errors.js';
import { allow } from '../auth.js';
import { jsonBody, validate } from '../body.js';
import type { AppDeps, AppEnv } from '../env.js';
import { idempotent } from '../idempotency.js';
import { reply } from '../reply.js';
import { DeadLettersQuery, Id, WebhookBody } from '../schemas.js';

/**
 * `PUT/GET/DELETE /webhooks/:id`, `GET /webhooks`; dead letters: `GET /webhooks/dead`,
 * `POST /webhooks/dead/:id/replay`, `DELETE /webhooks/dead/:id`. All need the `config` permission: endpoints
 * hold secrets, and a replay sends data out.
 */
export function webhookRoutes({ fulcrum, idempotency, webhooks }: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.use(allow('config'));

  // Registered before `/:id` so that `dead` is never taken for an endpoint id.
  app.get('/dead', (c) => {
    const q = validate(DeadLettersQuery, c.req.query(), 'the query is not valid');
    return c.json(webhooks.deadLetters(q));
  });
  app.post('/dead/:id/replay', idempotent(idempotency, () => fulcrum.engine.clock.now()), (c) => reply(c, 202, webhooks.replay(c.req.param('id'))));
  app.delete('/dead/:id', (c) => reply(c, 200, webhooks.discard(c.req.param('id'))));

  app.put('/:id', async (c) => {
    const id = endpointId(c.req.param('id'));
    const body = await jsonBody(c, WebhookBody);
    const existed = webhooks.endpoints.get(id) !== undefined;
    return reply(c, existed ? 200 : 201, webhooks.putEndpoint(id, body));
  });
  app.get('/', (c) => c.json({ items: webhooks.listEndpoints() }));
  app.get('/:id', (c) => c.json(webhooks.endpoint(c.req.param('id'))));
  app.delete('/:id', async (c) => c.json(await webhooks.deleteEndpoint(c.req.param('id'))));
  return app;
}

function endpointId(raw: string): string {
  const id = validate(Id, raw, 'the webhook id in the path is not valid');
  if (id === 'dead') throw new DomainError('invalid_request', "'dead' is reserved (GET /webhooks/dead lists dead letters); choose another webhook id", [{ path: 'id', message: 'reserved' }]);
  return id;
}
