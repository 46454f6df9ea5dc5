import { Hono } from 'hono';
import { z } from 'zod';
import { alertView, changeAlert, listAlerts } from '../../alerts/index.js';
import { DomainError } from '../../domain/errors.js';
import { allow } from '../auth.js';
import { validate } from '../body.js';
import type { AppDeps, AppEnv } from '../env.js';
import { reply } from '../reply.js';
import { described } from '../openapi/describe.js';
import { Alert, itemsOf } from '../replies.js';

const Query = z.strictObject({
  status: z.enum(['open', 'acknowledged', 'resolved']).optional(),
  type: z.string().min(1).max(100).optional(),
  entity: z.string().min(1).max(200).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

/** `GET /alerts?status=&type=&entity=`, `GET /alerts/:id`, `POST /alerts/:id/acknowledge`, `POST /alerts/:id/resolve`. */
export function alertRoutes({ fulcrum }: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get('/', described({ summary: 'List alerts', description: 'SLA and stock alerts, filtered by status, alert type and entity.', query: Query, replies: { 200: { description: 'The alerts', schema: itemsOf(Alert) } } }, allow('orders:read-any')), (c) => {
    const q = validate(Query, c.req.query(), 'the query is not valid');
    return c.json({ items: listAlerts(fulcrum, { limit: q.limit, ...(q.status ? { status: q.status } : {}), ...(q.type ? { alert: q.type } : {}), ...(q.entity ? { entity: q.entity } : {}) }) });
  });
  app.get('/:id', described({ summary: 'Get an alert', replies: { 200: { description: 'The alert', schema: Alert } }, errors: ['not_found'] }, allow('orders:read-any')), (c) => {
    const view = alertView(fulcrum, c.req.param('id'));
    if (!view) throw new DomainError('not_found', `no alert '${c.req.param('id')}'`);
    return c.json(view);
  });
  for (const action of ['acknowledge', 'resolve'] as const) {
    const doc = { summary: `${action === 'acknowledge' ? 'Acknowledge' : 'Resolve'} an alert`, replies: { 200: { description: 'The alert after the change', schema: Alert } }, errors: ['not_found', 'invalid_state'] } as const;
    app.post(`/:id/${action}`, described({ ...doc, errors: [...doc.errors] }, allow('orders:write')), (c) => reply(c, 200, changeAlert(fulcrum, c.req.param('id'), action, c.get('principal').keyId)));
  }
  return app;
}
