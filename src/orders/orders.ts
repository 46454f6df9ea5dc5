import type { OrderContext } from '../../actors/index.js';
import type { OrderLine } from '../domain/order.js';
import { ENTITY_NEW_STATE, type Engine, type EntityEntry, type Step } from '../engine/index.js';
import type { Holds } from '../holds/index.js';
import { orderResourcingAsk, planAndReserve, type Sourcing } from '../sourcing/index.js';
import type { Stock } from '../stock/index.js';
import type { Supply } from '../supply/index.js';
import { orderView, type OrderView } from './order-view.js';

/** What the order commands read and change. */
export interface OrderPorts {
  readonly engine: Engine;
  readonly stock: Stock;
  readonly holds: Holds;
  readonly sourcing: Sourcing;
  readonly orders: Orders;
}

export interface OrderCounters {
  ordersPlaced: number;
  ordersRejected: number;
}

/**
 * The orders module. Orders and fulfilments are entities running their workflows; this registers with the
 * engine the two effects an order asks for: create its fulfilments (on the active fulfilment workflow),
 * and source lines again after a location rejected them.
 */
export class Orders {
  readonly counters: OrderCounters = { ordersPlaced: 0, ordersRejected: 0 };
  /**
   * Inbound supply orders may wait on (backorders, pre-orders, and the transfers sourcing chooses); set once
   * the supply module exists.
   */
  waiting: Supply | undefined;
  readonly #engine: Engine;

  constructor(ports: Omit<OrderPorts, 'orders'>) {
    const { engine } = ports;
    this.#engine = engine;
    engine.handleEffect('fulfilments.create', (step, from, effect) => createFulfilments(engine, step, from, effect.fulfilments));
    engine.handleEffect('order.source', (step, from, effect) => resource({ ...ports, orders: this }, step, from, effect.lines, effect.excludeLocations));
  }

  /** An order as clients see it, live, passivated or stored. */
  get(id: string): OrderView | undefined {
    const found = this.#engine.entityState('order', id);
    return found && orderView(found.state.context as OrderContext, found.state.value, found.machine);
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
function resource(ports: OrderPorts, step: Step, order: EntityEntry, lines: OrderLine[], exclude: string[]): void {
  const ctx = order.snapshot.context as OrderContext;
  const outcome = planAndReserve(ports, step, orderResourcingAsk(ctx, lines, exclude));
  const event = outcome.ok
    ? { type: 'sourcing.succeeded', fulfilments: outcome.fulfilments, at: step.iso }
    : { type: 'sourcing.failed', short: outcome.short, reason: outcome.reason, at: step.iso };
  ports.engine.send(step, order, event);
}
