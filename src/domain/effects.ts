import type { OrderLine } from './order.js';
import type { WaitingLine } from './supply.js';

/**
 * Everything an entity's machine may ask of the engine. Machines never do I/O: they emit these, and the
 * module that owns each kind carries it out as facts on other actors or as outbox records, inside the same
 * step (so they are durable together with the facts that caused them). During replay effects are ignored:
 * the facts they produced are in the journal already, and outbox records were written in the same transaction.
 */
export type Effect =
  | { type: 'stock.release'; ref: string; location: string; lines: OrderLine[] }
  | { type: 'stock.ship'; ref: string; location: string; lines: OrderLine[] }
  /** Units entering (or leaving) a status at a location: a receipt, a return restocked, a transfer arriving. */
  | { type: 'stock.adjust'; location: string; lines: OrderLine[]; status: string; reason: string; sign: 1 | -1 }
  /** Units changing status at a location (a transfer's in-transit units becoming sellable). */
  | { type: 'stock.move'; location: string; lines: OrderLine[]; from: string; to: string; reason: string }
  /** An event for other systems (CloudEvents `type`, e.g. `order.shipped`), delivered by the webhook outbox. */
  | { type: 'webhook'; event: string; data: unknown }
  /** An event for another entity (a fulfilment telling its order it shipped). Refusal is ignored, not fatal. */
  | { type: 'entity.notify'; kind: string; id: string; event: { type: string; [k: string]: unknown } }
  /** Create fulfilment entities for an order's reserved allocations, on the active fulfilment workflow. */
  | { type: 'fulfilments.create'; orderId: string; fulfilments: Array<{ id: string; location: string; lines: OrderLine[] }> }
  /** Source (and reserve) lines again, excluding locations; the engine answers sourcing.succeeded / failed. */
  | { type: 'order.source'; orderId: string; lines: OrderLine[]; excludeLocations: string[] }
  /** Raise an alert about the emitting entity (deduplicated per entity and alert type while open). */
  | { type: 'alert.raise'; alert: string; severity: 'info' | 'warning' | 'critical'; message: string; data?: unknown }
  /** Resolve the emitting entity's open alerts (of one type, or all). */
  | { type: 'alert.resolve'; alert?: string }
  /** Compute the emitting return's refund and request it (the engine answers `return.refund_planned`). */
  | { type: 'refund.request' }
  /** Place the emitting return's replacement order (its `exchange`); the engine answers `return.exchange_placed` / `_failed`. */
  | { type: 'exchange.place' }
  /** Free the emitting order's place in the queues of the inbound it waits on (it was cancelled). */
  | { type: 'supply.unclaim'; lines: WaitingLine[] }
  /** The emitting transfer arrived (its units are sellable at the destination): its inbound is received. */
  | { type: 'supply.transfer_received' }
  /** The emitting transfer was cancelled: its inbound is cancelled (orders waiting on it move on). */
  | { type: 'supply.transfer_cancelled' };

/** The effect of one type. */
export type EffectOf<T extends Effect['type']> = Extract<Effect, { type: T }>;
