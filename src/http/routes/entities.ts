import { Hono } from 'hono';
import { z } from 'zod';
import { DomainError } from '../../domain/errors.js';
import type { Engine, EntityKind } from '../../engine/index.js';
import { sendEntityEvent } from '../../orders/index.js';
import { createReturn, sendReturnEvent } from '../../returns/index.js';
import { createTransfer } from '../../transfers/index.js';
import { allow } from '../auth.js';
import { jsonBody, validate } from '../body.js';
import type { AppDeps, AppEnv } from '../env.js';
import { idempotent } from '../idempotency.js';
import { reply } from '../reply.js';
import { HistoryQuery, Id, Instant, OrderEventBody } from '../schemas.js';
import { described } from '../openapi/describe.js';
import { Entity, History, itemsOf } from '../replies.js';

const Lines = z.array(z.strictObject({ sku: Id, qty: z.number().int().min(1).max(1_000_000) })).min(1).max(500);
const ReturnLines = z.array(z.strictObject({ sku: Id, qty: z.number().int().min(1).max(1_000_000), reason: z.string().min(1).max(500).optional() })).min(1).max(500);
const ReturnBody = z.strictObject({
  orderId: z.string().min(1).max(100),
  lines: ReturnLines,
  reason: z.string().min(1).max(500).optional(),
  method: z.enum(['store', 'courier']).optional(),
  dropOffLocation: Id.optional(),
  exchangeFor: z.array(z.strictObject({ sku: Id, qty: z.number().int().min(1).max(1_000_000), replaces: Id.optional() })).min(1).max(100).optional(),
});
const TransferBody = z.strictObject({ from: Id, to: Id, lines: Lines, reason: z.string().min(1).max(500).optional(), expectedAt: Instant.optional() });

const ReturnsQuery = z.strictObject({ state: z.string().min(1).max(100).optional(), limit: z.coerce.number().int().min(1).max(500).default(200) });

type WorkflowKind = 'fulfilment' | 'return' | 'transfer';

/**
 * `GET /:kind/:id`, `GET /:kind/:id/history` and `POST /:kind/:id/events` for fulfilments, returns and
 * transfers; `GET /returns` (the open ones), `POST /returns`, `POST /transfers`.
 */
export function entityRoutes({ fulcrum, idempotency }: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const once = idempotent(idempotency, () => fulcrum.engine.clock.now());
  for (const [path, kind] of [['fulfilments', 'fulfilment'], ['returns', 'return'], ['transfers', 'transfer']] as Array<[string, WorkflowKind]>) {
    app.get(`/${path}/:id`, described({ summary: `Get a ${kind}`, replies: { 200: { description: `The ${kind}: its context, state and workflow version`, schema: Entity } }, errors: ['not_found'] }, allow('orders:read-any')), (c) => c.json(entityView(fulcrum.engine, kind, c.req.param('id'))));
    app.get(`/${path}/:id/history`, described({ summary: `A ${kind}'s timeline`, query: HistoryQuery, replies: { 200: { description: 'A page of the timeline', schema: History } }, errors: ['not_found'] }, allow('orders:read-any')), (c) => {
      const q = validate(HistoryQuery, c.req.query(), 'the query is not valid');
      return c.json(fulcrum.timeline.page(kind, c.req.param('id'), { limit: q.limit, ...(q.cursor ? { cursor: q.cursor } : {}) }));
    });
    app.post(`/${path}/:id/events`, described({ summary: `Send an event to a ${kind}`, description: 'An event the current state does not accept gets `409 invalid_state` listing those it would.', body: OrderEventBody, replies: { 200: { description: `The ${kind} after the event`, schema: Entity } }, errors: ['not_found', 'invalid_state', 'conflict'] }, allow('orders:write')), once, async (c) => {
      const event = await jsonBody(c, OrderEventBody);
      const id = c.req.param('id');
      const by = c.get('principal').keyId;
      const committed = kind === 'return' ? sendReturnEvent(fulcrum, id, event, by) : sendEntityEvent(fulcrum, kind, id, event, by);
      return reply(c, 200, { ...committed, value: entityView(fulcrum.engine, kind, id) });
    });
  }
  // `GET /returns`: the open returns (closed ones leave memory), newest first, optionally in one state.
  app.get('/returns', described({ summary: 'List open returns', description: 'Open returns (closed ones leave memory), newest first, optionally in one state.', query: ReturnsQuery, replies: { 200: { description: 'The returns', schema: itemsOf(Entity) } } }, allow('orders:read-any')), (c) => {
    const q = validate(ReturnsQuery, c.req.query(), 'the query is not valid');
    const items = [...fulcrum.engine.registry.entities('return').keys()].reverse().map((id) => entityView(fulcrum.engine, 'return', id));
    return c.json({ items: items.filter((r) => q.state === undefined || r.state === q.state).slice(0, q.limit) });
  });
  app.post('/returns', described({ summary: 'Open a return', description: 'Checked against what shipped and is not yet returned, and against the return policy.', body: ReturnBody, replies: { 201: { description: 'The return', schema: Entity } }, errors: ['not_found', 'invalid_state', 'conflict'] }, allow('orders:write')), once, async (c) => {
    const body = await jsonBody(c, ReturnBody);
    const committed = createReturn(fulcrum, body, c.get('principal').keyId);
    return reply(c, 201, { ...committed, value: entityView(fulcrum.engine, 'return', committed.value.id) });
  });
  app.post('/transfers', described({ summary: 'Start a transfer between locations', body: TransferBody, replies: { 201: { description: 'The transfer', schema: Entity } }, errors: ['not_found', 'invalid_state', 'insufficient_stock', 'conflict'] }, allow('inventory:write')), once, async (c) => {
    const body = await jsonBody(c, TransferBody);
    const committed = createTransfer(fulcrum, body, c.get('principal').keyId);
    return reply(c, 201, { ...committed, value: entityView(fulcrum.engine, 'transfer', committed.value.id) });
  });
  return app;
}

/** A workflow entity as clients see it: its context, state, status label and workflow version. */
export function entityView(engine: Engine, kind: EntityKind, id: string): Record<string, unknown> {
  const found = engine.entityState(kind, id);
  if (!found) throw new DomainError('not_found', `no ${kind} '${id}'`);
  const ctx = found.state.context as Record<string, unknown>;
  const state = typeof found.state.value === 'string' ? found.state.value : JSON.stringify(found.state.value);
  return { ...ctx, id, status: (ctx.status as string | undefined) ?? state, state, workflow: found.machine };
}
