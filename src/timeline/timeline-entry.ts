/** What one entity transition looks like in its timeline: the event, the status change and the effects, trimmed to what a reader needs. */
import type { AnyMachineSnapshot } from 'xstate';
import type { StoredTimelineEntry, TimelineEntry, TimelineRecord } from '../../snapshots/index.js';
import type { Effect } from '../domain/effects.js';
import { ENTITY_NEW_STATE } from '../engine/index.js';

/** The fields of a new entity's context its creation entry keeps: what it was started from, not its bookkeeping. */
const CREATION_FIELDS = ['channel', 'pool', 'deliveryType', 'deliverTo', 'collectAt', 'lines', 'fulfilments', 'sourcing', 'holdId', 'orderId', 'location', 'from', 'to', 'reason'];

/**
 * Builds the stored entry for `event` taking an entity from `before` (undefined at creation) to `after`. It
 * runs on the engine's thread for every transition, so the event is kept as applied (the object the journal
 * holds, not a copy); its `at` is dropped when read.
 */
export function timelineEntry(
  event: { type: string; [k: string]: unknown },
  before: AnyMachineSnapshot | undefined,
  after: AnyMachineSnapshot,
  effects: readonly Effect[],
): StoredTimelineEntry {
  const status = statusOf(after);
  const out: StoredTimelineEntry = { event: before ? event : creation(event, after.context as Record<string, unknown>), status };
  const from = before && statusOf(before);
  if (from !== undefined && from !== status) out.from = from;
  if (effects.length > 0) out.effects = effects.map(effectSummary);
  return out;
}

/** The entries of a stored record as a history shows them: each with its step's time and cause, events without their `at`. */
export function shownEntries(record: TimelineRecord): TimelineEntry[] {
  const at = new Date(record.at).toISOString();
  return record.entries.map((e) => {
    const { at: _at, ...event } = e.event;
    return { at, by: record.by, ...e, event: event as TimelineEntry['event'] };
  });
}

/** The status a client sees: a label a workflow set, else the state's name (`a.b` for nested states). */
function statusOf(snapshot: AnyMachineSnapshot): string {
  const label = (snapshot.context as { status?: unknown }).status;
  return typeof label === 'string' ? label : stateName(snapshot.value);
}

function stateName(value: unknown): string {
  // A workflow entity is created in an internal state and enters its workflow's initial one at once.
  if (value === ENTITY_NEW_STATE) return 'new';
  if (typeof value === 'string') return value;
  const [key, inner] = Object.entries(value as object)[0] ?? ['unknown', undefined];
  return inner === undefined || (typeof inner === 'object' && Object.keys(inner as object).length === 0) ? key : `${key}.${stateName(inner)}`;
}

function creation(event: { type: string }, context: Record<string, unknown>): { type: string; [k: string]: unknown } {
  const out: { type: string; [k: string]: unknown } = { type: event.type };
  for (let i = 0; i < CREATION_FIELDS.length; i++) {
    const value = context[CREATION_FIELDS[i]!];
    if (value !== undefined) out[CREATION_FIELDS[i]!] = value;
  }
  return out;
}

/**
 * An effect as the timeline keeps it. A webhook keeps its event type only: its data is the entity's own
 * (already in the timeline) or a customer's details, which a history does not need to copy.
 */
function effectSummary(effect: Effect): { type: string; [k: string]: unknown } {
  switch (effect.type) {
    case 'webhook':
      return { type: 'webhook', event: effect.event };
    case 'entity.notify':
      return { type: 'entity.notify', kind: effect.kind, id: effect.id, event: effect.event.type };
    case 'fulfilments.create':
      return { type: 'fulfilments.create', fulfilments: effect.fulfilments.map((f) => ({ id: f.id, location: f.location, lines: f.lines })) };
    case 'alert.raise':
      return { type: 'alert.raise', alert: effect.alert, severity: effect.severity };
    default:
      return effect;
  }
}
