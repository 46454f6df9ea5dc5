import type { AnyMachineSnapshot } from 'xstate';
import { DomainError } from '../domain/errors.js';
import type { Engine } from './engine.js';
import type { EntityEntry, EntityKind } from './registry.js';
import type { Step } from './step.js';

/** Event names other systems may not send: the engine sends these itself (intake, notifications, timers). */
const RESERVED_PREFIXES = ['order.', 'sourcing.', 'fulfilment.', 'return.', 'entity.', 'timer.', 'alert.', 'hold.', 'xstate.'];

/** Refuses an event name that only Fulcrum itself may send. */
export function checkExternalEvent(type: string): void {
  const prefix = RESERVED_PREFIXES.find((p) => type.startsWith(p));
  if (prefix) {
    throw new DomainError('invalid_request', `events named '${prefix}*' are sent by Fulcrum itself`, [
      { path: 'type', message: `'${type}' cannot be sent from outside; use the entity's endpoints (cancel, ...)` },
    ]);
  }
}

/** The open entity of a kind, or a clear 404 / 409 when it does not exist or has finished. */
export function openEntity(engine: Engine, kind: EntityKind, id: string): EntityEntry {
  const entry = engine.registry.entities(kind).get(id);
  if (entry && entry.snapshot.status === 'active') return entry;
  const stored = engine.entityState(kind, id);
  if (!stored) throw new DomainError('not_found', `no ${kind} '${id}'`);
  throw new DomainError('invalid_state', `${kind} ${id} is ${String(stored.state.value)} and takes no more events`, [{ message: 'events accepted now: none', accepted: [], endpoints: [] }]);
}

/**
 * A command that reaches an entity through an endpoint of its own rather than as an event from another
 * system: cancelling an order is `POST /orders/:id/cancel`, which delivers `order.cancelled`. The domain
 * module that owns the endpoint names it, so refusals can say which endpoint applies.
 */
export interface EventEndpoint {
  /** The event the endpoint delivers (`order.cancelled`). */
  readonly event: string;
  /** What clients call the command (`cancel`). */
  readonly command: string;
  /** The endpoint itself (`POST /orders/ord_1/cancel`). */
  readonly endpoint: string;
}

/** How a refusal names what was sent and what else applies. */
export interface Delivery {
  /** The name the client used, when it is not the event's type (`cancel` for `order.cancelled`). */
  readonly shownAs?: string;
  /** The entity's commands with endpoints of their own. */
  readonly endpoints?: readonly EventEndpoint[];
}

/**
 * Delivers an event to an entity inside a step; refuses with 409 `invalid_state` listing the events the
 * entity accepts in its state and the endpoints that apply. Fields naming a location must name a known one
 * (they drive stock facts).
 */
export function deliverEvent(engine: Engine, step: Step, entry: EntityEntry, event: { type: string; [k: string]: unknown }, delivery: Delivery = {}): void {
  if (typeof event.location === 'string' && !engine.location(event.location)) {
    throw new DomainError('invalid_request', `unknown location '${event.location}'`, [{ path: 'location', message: 'not a known location' }]);
  }
  const full = { ...event, at: step.iso };
  const snap = entry.snapshot as AnyMachineSnapshot;
  if (!snap.can(full as never) || !engine.send(step, entry, full)) throw notAccepted(entry, snap, event.type, delivery);
}

/** The events other systems may send to an entity in its current state (commands with endpoints excluded). */
export function acceptedEvents(snap: AnyMachineSnapshot): string[] {
  return [...ownEvents(snap)].filter((t) => t !== '*' && !RESERVED_PREFIXES.some((p) => t.startsWith(p))).sort();
}

function ownEvents(snap: AnyMachineSnapshot): Set<string> {
  const nodes = (snap as AnyMachineSnapshot & { _nodes: Array<{ ownEvents: string[] }> })._nodes;
  const events = new Set<string>();
  for (const n of nodes) for (const e of n.ownEvents) events.add(e);
  return events;
}

/**
 * The refusal says apart the two ways in: events (`POST .../events`) and commands with their own endpoint.
 * Listing `cancel` among the accepted events, as this once did, told a client that sent `{"type": "cancel"}`
 * that `cancel` was both refused and accepted.
 */
function notAccepted(entry: EntityEntry, snap: AnyMachineSnapshot, sent: string, { shownAs, endpoints = [] }: Delivery): DomainError {
  const accepted = acceptedEvents(snap);
  const own = ownEvents(snap);
  const applicable = endpoints.filter((e) => own.has(e.event));
  const status = typeof snap.value === 'string' ? snap.value : JSON.stringify(snap.value);
  const what = shownAs ?? sent;
  const misdirected = shownAs === undefined ? endpoints.find((e) => e.command === sent) : undefined;
  let message = `${entry.kind} ${entry.id} is ${status} and cannot take '${what}' now`;
  if (misdirected) {
    message = applicable.includes(misdirected)
      ? `'${sent}' is not an event ${entry.kind} ${entry.id} takes: to ${misdirected.command}, use ${misdirected.endpoint}`
      : `'${sent}' is not an event ${entry.kind} ${entry.id} takes, and ${misdirected.endpoint} does not apply while it is ${status}`;
  }
  const listed = [`events accepted now: ${accepted.join(', ') || 'none'}`];
  if (endpoints.length > 0) listed.push(`endpoints that apply now: ${applicable.map((e) => e.endpoint).join(', ') || 'none'}`);
  return new DomainError('invalid_state', message, [
    { ...(misdirected ? { path: 'type' } : {}), message: listed.join('; '), accepted, endpoints: applicable.map((e) => e.endpoint) },
  ]);
}
