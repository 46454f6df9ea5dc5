import type { z } from 'zod';
import type { Effect } from '../domain/effects.js';

/** The event a brick runs on: every event the engine sends carries its time (`at`); actors never read a clock. */
export interface BrickEvent {
  readonly type: string;
  readonly at: string;
  readonly [k: string]: unknown;
}

/** What a brick sees: the entity's context (read-only), the event, and its validated parameters. */
export interface BrickInput<P> {
  readonly context: Readonly<Record<string, unknown>>;
  readonly event: BrickEvent;
  readonly params: P;
}

/**
 * How an action brick changes things: it updates the entity's context and emits effects, and the engine
 * does the rest (facts on other actors, outbox records) inside the same step. Bricks never do I/O.
 */
export interface BrickApi {
  /** Sets a top-level context field (not `id`, `timers` or `alerts`: use the dedicated calls). */
  set(field: string, value: unknown): void;
  /** Sets one key of `context.attributes`. */
  setAttribute(key: string, value: unknown): void;
  /** Starts (or restarts) a named timer firing at an ISO time; the engine fires it as `timer.fired`. */
  startTimer(name: string, at: string): void;
  /** Cancels a named timer. */
  cancelTimer(name: string): void;
  /** Asks the engine for an effect (webhook, stock movement, alert, sourcing, ...). */
  emit(effect: Effect): void;
}

/** An action brick: `defineRule({name, params, run})`. */
export interface ActionRule<P = unknown> {
  readonly kind: 'action';
  readonly name: string;
  readonly description: string;
  readonly params: z.ZodType<P>;
  /** Events a state using this brick must handle (e.g. sourceOrder needs sourcing.succeeded/failed). */
  readonly awaits?: (params: P) => string[];
  run(input: BrickInput<P>, api: BrickApi): void;
}

/** A guard brick: `defineGuard({name, params, test})`. */
export interface GuardRule<P = unknown> {
  readonly kind: 'guard';
  readonly name: string;
  readonly description: string;
  readonly params: z.ZodType<P>;
  test(input: BrickInput<P>): boolean;
}

export type WorkflowRule = ActionRule<any> | GuardRule<any>;

const NAME = /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/;

/** Defines an action brick for workflows. The name is how definitions refer to it. */
export function defineRule<P>(rule: Omit<ActionRule<P>, 'kind'>): ActionRule<P> {
  if (!NAME.test(rule.name)) throw new Error(`rule name '${rule.name}' must be letters, digits, _ . - and start with a letter`);
  return Object.freeze({ kind: 'action' as const, ...rule });
}

/** Defines a guard brick for workflows. */
export function defineGuard<P>(rule: Omit<GuardRule<P>, 'kind'>): GuardRule<P> {
  if (!NAME.test(rule.name)) throw new Error(`guard name '${rule.name}' must be letters, digits, _ . - and start with a letter`);
  return Object.freeze({ kind: 'guard' as const, ...rule });
}
