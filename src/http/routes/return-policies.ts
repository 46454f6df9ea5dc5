import { Hono } from 'hono';
import { z } from 'zod';
import { DomainError } from '../../domain/errors.js';
import { DISPOSITIONS } from '../../domain/return-lines.js';
import type { ReturnPolicy } from '../../returns/index.js';
import { recordChange } from '../audit-trail.js';
import { allow } from '../auth.js';
import { jsonBody, validate } from '../body.js';
import type { AppDeps, AppEnv } from '../env.js';
import { reply } from '../reply.js';
import { Id } from '../schemas.js';
import { described } from '../openapi/describe.js';
import { itemsOf, ReturnPolicy as ReturnPolicyReply } from '../replies.js';

const Percent = z.number().min(0).max(100);
const Code = z.string().regex(/^[a-z0-9_.-]{1,60}$/, { error: 'a reason code: lowercase letters, digits, _ . -, up to 60' });

const PolicyBody = z.strictObject({
  channel: Id.optional(),
  category: z.string().min(1).max(200).optional(),
  windowDays: z.number().int().min(0).max(3650),
  windowFrom: z.enum(['shipment', 'delivery']).default('shipment'),
  nonReturnable: z.strictObject({ skus: z.array(Id).max(10_000).optional(), categories: z.array(z.string().min(1).max(200)).max(1_000).optional() }).optional(),
  reasons: z.array(Code).min(1).max(100).optional(),
  authenticate: z.boolean().optional(),
  refund: z
    .strictObject({
      deductions: z
        .strictObject({
          outcomes: z.partialRecord(z.enum(DISPOSITIONS), Percent).optional(),
          reasons: z.record(Code, Percent).optional(),
        })
        .optional(),
      shipping: z.enum(['never', 'always', 'full_return']).optional(),
    })
    .optional(),
  description: z.string().max(500).optional(),
});

/** `PUT /return-policies/:id`, `GET /return-policies`, `GET /return-policies/:id`: return windows, reasons and non-returnable products. */
export function returnPolicyRoutes({ fulcrum, audit }: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const policies = fulcrum.returns.policies;
  app.put('/:id', described({ summary: 'Create or replace a return policy', description: 'Return windows, accepted reasons, non-returnable products and refund deductions, per channel or category.', body: PolicyBody, params: z.object({ id: Id }), replies: { 200: { description: 'Replaced', schema: ReturnPolicyReply }, 201: { description: 'Created', schema: ReturnPolicyReply } }, errors: ['conflict'] }, allow('config')), async (c) => {
    const id = validate(Id, c.req.param('id'), 'the policy id in the path is not valid');
    const body = await jsonBody(c, PolicyBody);
    const before = policies.get(id) ?? null;
    const policy: ReturnPolicy = { id, ...body, updatedAt: new Date(fulcrum.engine.clock.now()).toISOString() };
    const durable = policies.put(fulcrum.engine, policy);
    recordChange(c, audit, { action: 'return-policy.put', target: { type: 'return-policy', id }, before, after: policy });
    return reply(c, before ? 200 : 201, { value: policy, durable });
  });
  app.get('/', described({ summary: 'List return policies', replies: { 200: { description: 'Every policy', schema: itemsOf(ReturnPolicyReply) } } }, allow('network:read')), (c) => c.json({ items: policies.list() }));
  app.get('/:id', described({ summary: 'Get a return policy', replies: { 200: { description: 'The policy', schema: ReturnPolicyReply } }, errors: ['not_found'] }, allow('network:read')), (c) => {
    const policy = policies.get(c.req.param('id'));
    if (!policy) throw new DomainError('not_found', `no return policy '${c.req.param('id')}'`);
    return c.json(policy);
  });
  return app;
}
