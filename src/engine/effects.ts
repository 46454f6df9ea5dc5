import type { Effect, EffectOf } from '../domain/effects.js';
import type { EntityEntry } from './registry.js';
import type { Step } from './step.js';

export type { Effect, EffectOf };

/**
 * Carries out one kind of effect inside the step that produced it. The module that owns the kind registers
 * it (`engine.handleEffect`); stock effects a location refuses mean the books disagree and must throw (the
 * step already changed actors, so the engine stops), a notification the target cannot take is dropped.
 */
export type EffectHandler<T extends Effect['type']> = (step: Step, from: EntityEntry, effect: EffectOf<T>) => void;

/** A message to another system, as the outbox receives it from a step. */
export interface OutboundEvent {
  /** Stable across retries and restarts: `<journal seq>.<n>`; receivers dedupe on it. */
  id: string;
  /** e.g. `order.shipped`, `payment.requested`. */
  type: string;
  /** The entity it is about, e.g. `order/ord_...`. */
  subject: string;
  time: string;
  data: unknown;
}

/**
 * Where webhook effects go. `enqueue` runs synchronously inside a step, in the same event turn as the
 * journal append, so an outbox record commits in the same LMDB transaction as its facts; `committed` is
 * called once those facts are flushed, to wake delivery.
 */
export interface OutboxPort {
  enqueue(event: OutboundEvent): void;
  committed(): void;
}
