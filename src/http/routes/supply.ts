import { Hono } from 'hono';
import { z } from 'zod';
import { DomainError } from '../../domain/errors.js';
import { INBOUND_KINDS } from '../../domain/supply.js';
import { cancelInbound, receiveInbound, upsertInbound } from '../../supply/index.js';
import { recordChange } from '../audit-trail.js';
import { allow } from '../auth.js';
import { jsonBody, validate } from '../body.js';
import type { AppDeps, AppEnv } from '../env.js';
import { idempotent } from '../idempotency.js';
import { reply } from '../reply.js';
import { Id, Instant } from '../schemas.js';
import { described } from '../openapi/describe.js';
import { DeliveryPromise, Inbound, InboundChange, itemsOf, SupplyRule } from '../replies.js';

const Lines = z.array(z.strictObject({ sku: Id, qty: z.number().int().min(1).max(10_000_000) })).min(1).max(1_000);

const InboundBody = z.strictObject({
  location: Id,
  lines: Lines,
  expectedAt: Instant,
  kind: z.enum(INBOUND_KINDS),
  reference: z.string().min(1).max(200).optional(),
});
const ReceiptBody = z.strictObject({ receiptId: Id, lines: Lines, status: Id.optional(), allowOver: z.boolean().optional() });
const CancelBody = z.strictObject({ reason: z.string().min(1).max(500).default('cancelled') });
const Percent = z.number().int().min(0).max(100);
const RuleBody = z.strictObject({
  skus: z.array(Id).min(1).max(10_000),
  pool: Id.optional(),
  channel: Id.optional(),
  mode: z.enum(['backorder', 'preorder']),
  cap: z.number().int().min(0).optional(),
  capPerInbound: z.number().int().min(0).optional(),
  window: z.strictObject({ from: Instant.optional(), to: Instant.optional() }).optional(),
  confidence: z.partialRecord(z.enum(INBOUND_KINDS), Percent).optional(),
  maxLeadDays: z.number().int().min(0).max(3650).optional(),
  backorder: z.enum(['ship-available', 'ship-complete']).optional(),
  payment: z.enum(['at_order', 'at_allocation']).optional(),
  priority: z
    .array(
      z.discriminatedUnion('by', [
        z.strictObject({ by: z.literal('mode') }),
        z.strictObject({ by: z.literal('channel'), order: z.array(Id).min(1).max(99) }),
        z.strictObject({ by: z.literal('customer'), attribute: z.string().min(1).max(100), order: z.array(z.union([z.string().max(200), z.number(), z.boolean()])).min(1).max(99) }),
        z.strictObject({ by: z.literal('attribute'), key: z.string().min(1).max(100), order: z.array(z.union([z.string().max(200), z.number(), z.boolean()])).min(1).max(99) }),
      ]),
    )
    .max(8)
    .optional(),
  description: z.string().max(500).optional(),
});
const PromiseQuery = z.strictObject({ sku: Id, qty: z.coerce.number().int().min(1).max(10_000_000), pool: Id.default('default'), channel: Id.optional() });

/**
 * Supply over time: `PUT/GET /inbound/:id`, `GET /inbound`, `POST /inbound/:id/receipts`,
 * `POST /inbound/:id/cancel`; `PUT/GET /supply-rules/:id`, `GET /supply-rules`; `GET /availability/promise`.
 */
export function supplyRoutes({ fulcrum, audit, idempotency }: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const { supply } = fulcrum;
  const once = idempotent(idempotency, () => fulcrum.engine.clock.now());
  const view = (id: string) => {
    const found = supply.inbound(id);
    if (!found) throw new DomainError('not_found', `no inbound '${id}'`);
    // The allotment list can hold tens of thousands of orders: the view says how many are still to source.
    const { allotted, ...context } = found.context;
    return { ...context, allotting: allotted?.length ?? 0, state: found.state };
  };

  app.put('/inbound/:id', described({ summary: 'Create or replace an inbound', description: 'Supply on its way to a location (purchase order, ASN, transfer, production), expected at a date; waiting orders are allotted to it.', body: InboundBody, params: z.object({ id: Id }), replies: { 200: { description: 'Replaced', schema: Inbound }, 201: { description: 'Created', schema: Inbound } }, errors: ['not_found', 'invalid_state', 'conflict'] }, allow('inventory:write')), async (c) => {
    const id = validate(Id, c.req.param('id'), 'the inbound id in the path is not valid');
    const body = await jsonBody(c, InboundBody);
    const committed = upsertInbound(fulcrum, id, body, c.get('principal').keyId);
    return reply(c, committed.value.created ? 201 : 200, { ...committed, value: view(id) });
  });
  app.get('/inbound', described({ summary: 'List open inbounds', description: 'Soonest expected first, optionally only those carrying a SKU or bound for a location.', query: z.object({ sku: z.string().optional(), location: z.string().optional() }), replies: { 200: { description: 'The inbounds', schema: itemsOf(Inbound) } } }, allow('inventory:read')), (c) => {
    const sku = c.req.query('sku');
    const location = c.req.query('location');
    const open = [...fulcrum.engine.registry.entities('inbound').keys()].map(view);
    const items = open.filter((i) => (sku === undefined || i.lines.some((l) => l.sku === sku)) && (location === undefined || i.location === location));
    return c.json({ items: items.sort((a, b) => (a.expectedAt < b.expectedAt ? -1 : a.expectedAt > b.expectedAt ? 1 : 0)) });
  });
  app.get('/inbound/:id', described({ summary: 'Get an inbound', replies: { 200: { description: 'The inbound', schema: Inbound } }, errors: ['not_found'] }, allow('inventory:read')), (c) => c.json(view(c.req.param('id'))));
  app.post('/inbound/:id/receipts', described({ summary: 'Receive units of an inbound', body: ReceiptBody, replies: { 200: { description: 'What the receipt did, and the inbound after', schema: InboundChange } }, errors: ['not_found', 'invalid_state', 'conflict'] }, allow('inventory:write')), once, async (c) => {
    const body = await jsonBody(c, ReceiptBody);
    const id = c.req.param('id');
    const committed = receiveInbound(fulcrum, id, body, c.get('principal').keyId);
    return reply(c, 200, { ...committed, value: { ...committed.value, inbound: view(id) } });
  });
  app.post('/inbound/:id/cancel', described({ summary: 'Cancel an inbound', description: 'Its waiting orders are promised again from other supply, or told they cannot be.', body: CancelBody, replies: { 200: { description: 'What the cancellation did, and the inbound after', schema: InboundChange } }, errors: ['not_found', 'invalid_state', 'conflict'] }, allow('inventory:write')), once, async (c) => {
    const body = await jsonBody(c, CancelBody);
    const id = c.req.param('id');
    const committed = cancelInbound(fulcrum, id, body.reason, c.get('principal').keyId);
    return reply(c, 200, { ...committed, value: { ...committed.value, inbound: view(id) } });
  });

  app.put('/supply-rules/:id', described({ summary: 'Create or replace a supply rule', description: 'Backorder or pre-order for a set of SKUs: cap, window, confidence per inbound kind, priority of the waiting queue.', body: RuleBody, params: z.object({ id: Id }), replies: { 200: { description: 'Replaced', schema: SupplyRule }, 201: { description: 'Created', schema: SupplyRule } }, errors: ['conflict'] }, allow('config')), async (c) => {
    const id = validate(Id, c.req.param('id'), 'the rule id in the path is not valid');
    const body = await jsonBody(c, RuleBody);
    const unknown = body.skus.map((sku, i) => ({ sku, i })).filter(({ sku }) => !fulcrum.stock.catalog.has(sku));
    if (unknown.length > 0) throw new DomainError('invalid_request', 'the rule names unknown products', unknown.map(({ sku, i }) => ({ path: `skus[${i}]`, message: `no product '${sku}'` })));
    if (body.pool !== undefined && !fulcrum.stock.index.pool(body.pool)) throw new DomainError('invalid_request', `no pool '${body.pool}'`, [{ path: 'pool', message: 'unknown pool' }]);
    const before = supply.rules.get(id) ?? null;
    const { rule, created, durable } = supply.rules.put(fulcrum.engine, { id, ...body }, new Date(fulcrum.engine.clock.now()).toISOString(), (sku) => supply.sold(sku));
    recordChange(c, audit, { action: 'supply-rule.put', target: { type: 'supply-rule', id }, before, after: rule });
    return reply(c, created ? 201 : 200, { value: rule, durable });
  });
  app.get('/supply-rules', described({ summary: 'List supply rules', replies: { 200: { description: 'Every rule', schema: itemsOf(SupplyRule) } } }, allow('network:read')), (c) => c.json({ items: supply.rules.list() }));
  app.get('/supply-rules/:id', described({ summary: 'Get a supply rule', replies: { 200: { description: 'The rule', schema: SupplyRule } }, errors: ['not_found'] }, allow('network:read')), (c) => {
    const rule = supply.rules.get(c.req.param('id'));
    if (!rule) throw new DomainError('not_found', `no supply rule '${c.req.param('id')}'`);
    return c.json(rule);
  });

  app.get('/availability/promise', described({ summary: 'When a quantity can be promised', description: 'The earliest date a pool can promise `qty` of a SKU: now from ATS, or a future bucket of inbound supply that a supply rule lets it sell.', query: PromiseQuery, replies: { 200: { description: 'ATS, the future buckets and the earliest date (null: none)', schema: DeliveryPromise } }, errors: ['not_found'] }, allow('availability:read')), (c) => {
    const q = validate(PromiseQuery, c.req.query(), 'the query is not valid');
    if (!fulcrum.stock.index.pool(q.pool)) throw new DomainError('not_found', `no pool '${q.pool}'`);
    if (!fulcrum.stock.catalog.has(q.sku)) throw new DomainError('not_found', `no product '${q.sku}'`, [{ path: 'sku', message: 'unknown product' }]);
    const now = fulcrum.engine.clock.now();
    const ats = fulcrum.stock.index.ats(q.pool, q.sku);
    const rule = supply.rules.ruleFor(q.sku, q.pool, q.channel ?? fulcrum.stock.index.pool(q.pool)!.channel ?? 'default');
    const future = supply.future(rule, q.sku, q.pool, now);
    let earliest: string | null = null;
    if (ats >= q.qty) earliest = new Date(now).toISOString();
    else {
      let have = ats;
      for (const b of future) {
        have += b.qty;
        if (have >= q.qty) {
          earliest = b.from;
          break;
        }
      }
    }
    return c.json({ sku: q.sku, qty: q.qty, pool: q.pool, ats, future, earliest, ...(rule ? { rule: rule.id, mode: rule.mode } : {}) });
  });
  return app;
}
