import { Hono, type Context } from 'hono';
import { DomainError } from '../../domain/errors.js';
import { cancelOrder, cancelOrderLines, editOrder, listOrders, placeOrderPooled, sendOrderEvent, type OrderView } from '../../orders/index.js';
import { sourcingDecisions } from '../../sourcing/index.js';
import { can } from '../../auth/index.js';
import { allow } from '../auth.js';
import { jsonBody, jsonDocument, validate } from '../body.js';
import type { AppDeps, AppEnv } from '../env.js';
import { idempotent } from '../idempotency.js';
import { orderCommand } from '../order-body.js';
import { reply } from '../reply.js';
import { CancelBody, HistoryQuery, ListOrdersQuery, OrderBody, OrderEditBody, OrderEventBody } from '../schemas.js';
import { described } from '../openapi/describe.js';
import { History, Order, OrderPage, OrderSourcing } from '../replies.js';

/**
 * `POST/GET /orders`, `GET/PATCH /orders/:id`, `GET /orders/:id/sourcing`, `GET /orders/:id/history`,
 * `POST /orders/:id/events`, `POST /orders/:id/cancel` (whole, or some lines).
 */
export function orderRoutes({ fulcrum, idempotency, sourcing }: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const once = idempotent(idempotency, () => fulcrum.engine.clock.now());
  const solve = sourcing.pool.solve.bind(sourcing.pool);

  app.post('/', described({ summary: 'Place an order', description: 'Sources and reserves the order; `409 insufficient_stock` lists the short lines in `details` when it cannot be sourced (and no backorder or pre-order rule takes it): nothing is reserved then. A storefront key bound to channels may only sell on them.', body: OrderBody, replies: { 201: { description: 'The order, sourced and reserved', schema: Order } }, errors: ['insufficient_stock', 'preorder_closed', 'conflict', 'not_found', 'forbidden', 'unavailable'] }, allow('orders:create')), once, async (c) => {
    const body = orderCommand(await jsonDocument(c));
    const p = c.get('principal');
    return reply(c, 201, await placeOrderPooled(fulcrum, solve, body, p.keyId, { anyHold: can(p, 'orders:read-any'), ...(p.channels ? { sellsOn: p.channels } : {}) }));
  });
  app.get('/', described({ summary: 'List orders', description: 'Newest first. A storefront key lists only the orders it created.', query: ListOrdersQuery, replies: { 200: { description: 'A page of orders', schema: OrderPage } } }, allow('orders:read')), (c) => {
    const q = validate(ListOrdersQuery, c.req.query(), 'the query is not valid');
    const mine = can(c.get('principal'), 'orders:read-any') ? {} : { createdBy: c.get('principal').keyId };
    return c.json(listOrders(fulcrum, { limit: q.limit, ...(q.status ? { status: q.status } : {}), ...(q.cursor ? { cursor: q.cursor } : {}), ...mine }));
  });
  app.get('/:id', described({ summary: 'Get an order', description: 'A storefront key sees only the orders it created; others look absent (404).', replies: { 200: { description: 'The order, with its waiting lines and returns', schema: Order } }, errors: ['not_found'] }, allow('orders:read')), (c) => {
    const order = readable(c, fulcrum.orders.get(c.req.param('id')));
    const returns = fulcrum.returns.returnsOf(order.id).map((id) => returnSummary(fulcrum.engine.entityState('return', id)));
    // Each waiting line's place among the orders waiting for that SKU on its inbound (1: next to be served).
    const waiting = order.waiting?.map((w) => ({ ...w, place: fulcrum.supply.placeOf(w.inbound, w.sku, order.id) }));
    return c.json({ ...order, ...(waiting ? { waiting } : {}), ...(returns.length > 0 ? { returns } : {}) });
  });
  app.get('/:id/sourcing', described({ summary: "An order's sourcing decision and its explanation", replies: { 200: { description: 'The decision', schema: OrderSourcing } }, errors: ['not_found'] }, allow('orders:read')), (c) => {
    const order = readable(c, fulcrum.orders.get(c.req.param('id')));
    return c.json({ order: order.id, sourcing: order.sourcing ?? null, decisions: sourcingDecisions(fulcrum, order.id) });
  });
  app.get('/:id/history', described({ summary: "An order's timeline", description: 'Every event and status change, oldest first, in pages.', query: HistoryQuery, replies: { 200: { description: 'A page of the timeline', schema: History } }, errors: ['not_found'] }, allow('orders:read')), (c) => {
    const order = readable(c, fulcrum.orders.get(c.req.param('id')));
    const q = validate(HistoryQuery, c.req.query(), 'the query is not valid');
    return c.json(fulcrum.timeline.page('order', order.id, { limit: q.limit, ...(q.cursor ? { cursor: q.cursor } : {}) }));
  });
  app.post('/:id/events', described({ summary: 'Send an event to an order', description: 'An event from another system (payment captured, fulfilment shipped...). One the current state does not accept gets `409 invalid_state` listing those it would.', body: OrderEventBody, replies: { 200: { description: 'The order after the event', schema: Order } }, errors: ['not_found', 'invalid_state', 'conflict'] }, allow('orders:write')), once, async (c) => {
    const event = await jsonBody(c, OrderEventBody);
    return reply(c, 200, sendOrderEvent(fulcrum, c.req.param('id'), event, c.get('principal').keyId));
  });
  app.post('/:id/cancel', described({ summary: 'Cancel an order or some of its lines', description: 'Releases what is reserved; with `lines`, a partial cancellation.', body: CancelBody, bodyRequired: false, replies: { 200: { description: 'The order after the cancellation', schema: Order } }, errors: ['not_found', 'invalid_state', 'conflict'] }, allow('orders:write')), once, async (c) => {
    const body = await jsonBody(c, CancelBody, { optional: true });
    const by = c.get('principal').keyId;
    const reason = body.reason ?? 'cancelled';
    return reply(c, 200, body.lines ? cancelOrderLines(fulcrum, c.req.param('id'), body.lines, reason, by) : cancelOrder(fulcrum, c.req.param('id'), reason, by));
  });
  app.patch('/:id', described({ summary: "Change an order's delivery", description: 'A new address or delivery type, before fulfilment starts.', body: OrderEditBody, replies: { 200: { description: 'The order after the change', schema: Order } }, errors: ['not_found', 'invalid_state', 'conflict', 'insufficient_stock'] }, allow('orders:write')), once, async (c) => {
    const body = await jsonBody(c, OrderEditBody);
    return reply(c, 200, editOrder(fulcrum, c.req.param('id'), body, c.get('principal').keyId));
  });
  return app;
}

/** The order if this caller may read it; a storefront key sees only its own (others look absent). */
function readable(c: Context<AppEnv>, order: OrderView | undefined): OrderView {
  const p = c.get('principal');
  if (!order || (!can(p, 'orders:read-any') && order.createdBy !== p.keyId)) {
    throw new DomainError('not_found', `no order '${c.req.param('id')}'`);
  }
  return order;
}

/** A return as its order shows it: its state, lines and refunds. */
function returnSummary(found: { state: { value: unknown; context: unknown } } | undefined): Record<string, unknown> {
  const ctx = (found?.state.context ?? {}) as { id?: string; lines?: unknown; refunds?: unknown };
  return { id: ctx.id, state: found?.state.value, lines: ctx.lines, refunds: ctx.refunds ?? [] };
}
