import { Hono, type Context } from 'hono';
import { DomainError } from '../../domain/errors.js';
import { emptyPosition, onHand, onHandSellable, receivedAt, type Position } from '../../domain/position.js';
import type { Committed } from '../../engine/index.js';
import { adjustStock, countStock, moveStock, type StockUpdateResult } from '../../stock/index.js';
import { recordChange } from '../audit-trail.js';
import { allow } from '../auth.js';
import { jsonBody } from '../body.js';
import type { AppDeps, AppEnv } from '../env.js';
import { reply } from '../reply.js';
import { StockAdjustBody, StockCountBody, StockMoveBody } from '../schemas.js';
import { described } from '../openapi/describe.js';
import { Position as PositionReply, StockUpdate } from '../replies.js';

/**
 * `PUT/GET /inventory/:location/:sku`, `POST /inventory/:location/:sku/adjust` and `/move`. Every change is
 * recorded in the audit log with the position before and after (a stale count that changed nothing is not).
 */
export function inventoryRoutes({ fulcrum, audit }: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  /** Runs a stock command and records what it changed, in the event turn of the change. */
  const audited = (c: Context<AppEnv>, action: string, reason: string | undefined, change: () => Committed<StockUpdateResult>) => {
    const { location, sku } = c.req.param() as { location: string; sku: string };
    const p = fulcrum.engine.position(location, sku);
    const inbound = fulcrum.supply.inboundAt(location, sku);
    const before = p ? positionView(location, sku, p, inbound) : null;
    const committed = view(change(), inbound);
    if (committed.value.applied) {
      const { applied: _a, ignored: _i, ...after } = committed.value as typeof committed.value & { ignored?: string };
      recordChange(c, audit, { action, target: { type: 'inventory', id: `${location}/${sku}` }, before, after, ...(reason !== undefined ? { reason } : {}) });
    }
    return committed;
  };
  app.put('/:location/:sku', described({ summary: 'Set a stock count', description: 'An absolute count from a source system; a count older than the last applied `asOf` is ignored, and the reply says so.', body: StockCountBody, replies: { 200: { description: 'The outcome and the position after', schema: StockUpdate } }, errors: ['not_found'] }, allow('inventory:write')), async (c) => {
    const body = await jsonBody(c, StockCountBody);
    return reply(c, 200, audited(c, 'inventory.count', undefined, () => countStock(fulcrum, c.req.param('location'), c.req.param('sku'), body)));
  });
  app.post('/:location/:sku/adjust', described({ summary: 'Adjust stock by a delta', body: StockAdjustBody, replies: { 200: { description: 'The outcome and the position after', schema: StockUpdate } }, errors: ['not_found', 'conflict', 'invalid_state'] }, allow('inventory:write')), async (c) => {
    const body = await jsonBody(c, StockAdjustBody);
    return reply(c, 200, audited(c, 'inventory.adjust', body.reason, () => adjustStock(fulcrum, c.req.param('location'), c.req.param('sku'), body)));
  });
  app.post('/:location/:sku/move', described({ summary: 'Move units between statuses', body: StockMoveBody, replies: { 200: { description: 'The outcome and the position after', schema: StockUpdate } }, errors: ['not_found', 'conflict', 'invalid_state'] }, allow('inventory:write')), async (c) => {
    const body = await jsonBody(c, StockMoveBody);
    return reply(c, 200, audited(c, 'inventory.move', body.reason, () => moveStock(fulcrum, c.req.param('location'), c.req.param('sku'), body)));
  });
  app.get('/:location/:sku', described({ summary: 'Get a stock position', description: 'Quantities by status, reserved, shipped and inbound at one location.', replies: { 200: { description: 'The position', schema: PositionReply } }, errors: ['not_found'] }, allow('inventory:read')), (c) => {
    const { location, sku } = c.req.param();
    if (!fulcrum.engine.location(location)) throw new DomainError('not_found', `no location '${location}'`);
    if (!fulcrum.stock.catalog.has(sku)) throw new DomainError('not_found', `no product '${sku}'`);
    return c.json(positionView(location, sku, fulcrum.engine.position(location, sku) ?? emptyPosition(), fulcrum.supply.inboundAt(location, sku)));
  });
  return app;
}

/**
 * A position as clients see it: on hand (every unit physically there, whatever its status: `onHand` in
 * src/domain/position.ts), what is free, what is promised, each status (`sellable` counts its reserved
 * units, which are on the shelf), what open inbound still expect there, and when the units on hand arrived, on
 * average (`receivedAt`, absent while unknown). Every reply showing a position is this view, so they all agree.
 */
export function positionView(location: string, sku: string, p: Position, inbound: number) {
  const arrived = receivedAt(p);
  return {
    location,
    sku,
    onHand: onHand(p),
    available: p.sellable,
    reserved: p.reserved,
    shipped: p.shipped,
    statuses: { sellable: onHandSellable(p), ...p.other },
    inbound,
    asOf: p.asOf ?? {},
    ...(arrived === undefined ? {} : { receivedAt: new Date(arrived).toISOString() }),
  };
}

function view(committed: Committed<StockUpdateResult>, inbound: number) {
  const r = committed.value;
  return {
    durable: committed.durable,
    value: {
      applied: r.applied,
      ...(r.ignoredReason !== undefined ? { ignored: r.ignoredReason } : {}),
      ...(r.reservedExceedsOnHandBy !== undefined ? { reservedExceedsOnHandBy: r.reservedExceedsOnHandBy } : {}),
      ...positionView(r.location, r.sku, r.position, inbound),
    },
  };
}
