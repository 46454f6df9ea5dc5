import type { LocationEvent, OrderContext } from '../../actors/index.js';
import type { OrderLine } from '../domain/order.js';
import { raiseAlert, resolveAlerts } from './alerts.js';
import type { Effect } from './effects.js';
import type { Engine } from './engine.js';
import { ENTITY_NEW_STATE } from './machines.js';
import { ENTITY_PREFIX, type EntityEntry, type EntityKind } from './registry.js';
import { planAndReserve } from './sourcing-step.js';
import type { Step } from './step.js';

/**
 * Carries out one effect an entity asked for, inside the step that produced it. Stock effects that a location
 * refuses mean the books disagree, which is fatal (the step already changed actors); a notification the
 * target cannot take is dropped (the target moved on, e.g. a fulfilment already shipped when its order was
 * cancelled).
 */
export function applyEffect(engine: Engine, step: Step, from: EntityEntry, effect: Effect): void {
  const about = `${from.kind}/${from.id}`;
  switch (effect.type) {
    case 'stock.release':
    case 'stock.ship':
      stock(engine, step, about, effect.location, { type: effect.type === 'stock.release' ? 'stock.released' : 'stock.shipped', ref: effect.ref, lines: effect.lines });
      break;
    case 'stock.adjust':
      for (const l of effect.lines) {
        stock(engine, step, about, effect.location, { type: 'stock.adjusted', sku: l.sku, status: effect.status, delta: effect.sign * l.qty, reason: effect.reason, at: step.iso });
      }
      break;
    case 'stock.move':
      for (const l of effect.lines) {
        stock(engine, step, about, effect.location, { type: 'stock.moved', sku: l.sku, from: effect.from, to: effect.to, qty: l.qty, reason: effect.reason, at: step.iso });
      }
      break;
    case 'webhook':
      if (engine.outbox) {
        step.outbound++;
        engine.outbox.enqueue({ id: `${step.seq}.${step.outbound}`, type: effect.event, subject: about, time: step.iso, data: effect.data });
      }
      break;
    case 'entity.notify': {
      const kind = effect.kind as EntityKind;
      const target = ENTITY_PREFIX[kind] ? engine.registry.entities(kind).get(effect.id) : undefined;
      if (target) engine.send(step, target, { ...effect.event, at: step.iso });
      break;
    }
    case 'fulfilments.create':
      createFulfilments(engine, step, from, effect.fulfilments);
      break;
    case 'order.source':
      resource(engine, step, from, effect.lines, effect.excludeLocations);
      break;
    case 'alert.raise':
      raiseAlert(engine, step, about, effect);
      break;
    case 'alert.resolve':
      resolveAlerts(engine, step, about, effect.alert, 'workflow');
      break;
  }
}

function stock(engine: Engine, step: Step, about: string, location: string, event: LocationEvent): void {
  const loc = engine.location(location);
  if (!loc) throw new Error(`${about} asked to move stock at unknown location ${location}`);
  if (!engine.send(step, loc, event)) {
    throw new Error(`location ${location} refused ${event.type} for ${about}: stock and its owners disagree`);
  }
}

/** Creates fulfilment entities on the workflow chosen for the order, and starts each. */
function createFulfilments(engine: Engine, step: Step, order: EntityEntry, fulfilments: Array<{ id: string; location: string; lines: OrderLine[] }>): void {
  const ctx = order.snapshot.context as { id: string; channel?: string; deliveryType?: string; attributes?: Record<string, unknown> };
  const machine = engine.workflows?.select('fulfilment', ctx);
  if (!machine) throw new Error(`order ${order.id} asked for fulfilments but no fulfilment workflow is active`);
  for (const f of fulfilments) {
    if (engine.registry.entities('fulfilment').has(f.id)) continue;
    const context = {
      id: f.id,
      orderId: ctx.id,
      location: f.location,
      lines: f.lines,
      deliveryType: ctx.deliveryType ?? 'home',
      attributes: ctx.attributes ?? {},
      createdAt: step.iso,
      updatedAt: step.iso,
      timers: {},
    };
    const entry = engine.createEntity(step, 'fulfilment', machine, ENTITY_NEW_STATE, context);
    engine.send(step, entry, { type: 'entity.created', at: step.iso });
  }
}

/** Re-sources lines for an order (after a rejection), answering it with sourcing.succeeded or .failed. */
function resource(engine: Engine, step: Step, order: EntityEntry, lines: OrderLine[], exclude: string[]): void {
  const ctx = order.snapshot.context as OrderContext;
  const outcome = planAndReserve(engine, step, {
    ref: ctx.id,
    lines,
    pool: ctx.pool,
    deliverTo: ctx.deliverTo,
    deliveryType: ctx.deliveryType,
    channel: ctx.channel,
    ...(ctx.value === undefined ? {} : { orderValue: ctx.value }),
    split: { ...ctx.split, allowed: true, maxShipments: Math.max(ctx.split.maxShipments, 1) },
    exclude: new Set(exclude),
    firstFulfilment: ctx.fulfilments.length + 1,
  });
  const event = outcome.ok
    ? { type: 'sourcing.succeeded', fulfilments: outcome.fulfilments, at: step.iso }
    : { type: 'sourcing.failed', short: outcome.short, reason: outcome.reason, at: step.iso };
  engine.send(step, order, event);
}
