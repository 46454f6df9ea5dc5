import type { AnyMachineSnapshot } from 'xstate';
import { DomainError } from '../domain/errors.js';
import type { Engine } from './engine.js';
import type { EntityEntry, EntityKind } from './registry.js';
import type { Step } from './step.js';

/** Event names other systems may not send: the engine sends these itself (intake, notifications, timers). */
const RESERVED_PREFIXES = ['order.', 'sourcing.', 'fulfilment.', 'entity.', 'timer.', 'alert.', 'hold.', 'xstate.'];

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
  throw new DomainError('invalid_state', `${kind} ${id} is ${String(stored.state.value)} and takes no more events`, [{ message: 'accepted now: none', accepted: [] }]);
}

/**
 * Delivers an event to an entity inside a step; refuses with 409 `invalid_state` listing the events the
 * entity accepts in its state. Fields naming a location must name a known one (they drive stock facts).
 */
export function deliverEvent(engine: Engine, step: Step, entry: EntityEntry, event: { type: string; [k: string]: unknown }, shownAs = event.type): void {
  if (typeof event.location === 'string' && !engine.location(event.location)) {
    throw new DomainError('invalid_request', `unknown location '${event.location}'`, [{ path: 'location', message: 'not a known location' }]);
  }
  const full = { ...event, at: step.iso };
  const snap = entry.snapshot as AnyMachineSnapshot & { _nodes: Array<{ ownEvents: string[] }> };
  if (!snap.can(full as never) || !engine.send(step, entry, full)) throw notAccepted(entry, snap, shownAs);
}

/** The events an entity accepts in its current state, as clients name them. */
export function acceptedEvents(snap: AnyMachineSnapshot): string[] {
  const nodes = (snap as AnyMachineSnapshot & { _nodes: Array<{ ownEvents: string[] }> })._nodes;
  const events = new Set<string>();
  for (const n of nodes) for (const e of n.ownEvents) events.add(e);
  return [...events]
    .map((t) => (t === 'order.cancelled' ? 'cancel' : t))
    .filter((t) => t !== '*' && !RESERVED_PREFIXES.some((p) => t.startsWith(p)))
    .sort();
}

function notAccepted(entry: EntityEntry, snap: AnyMachineSnapshot, what: string): DomainError {
  const accepted = acceptedEvents(snap);
  const status = typeof snap.value === 'string' ? snap.value : JSON.stringify(snap.value);
  return new DomainError('invalid_state', `${entry.kind} ${entry.id} is ${status} and cannot take '${what}' now`, [
    { message: `accepted now: ${accepted.join(', ') || 'none'}`, accepted },
  ]);
}
