/** Records every workflow entity's history in its own database, in the step that made it, and reads it back in pages. */
import { checkVersion, SCHEMA_VERSION, type StoredTimelineEntry, type TimelineEntry } from '../../snapshots/index.js';
import { DomainError } from '../domain/errors.js';
import { seqKey, type Engine, type EntityKind, type Step } from '../engine/index.js';
import { shownEntries, timelineEntry } from './timeline-entry.js';

/** The entities that keep a timeline: the ones clients follow. Holds and alerts have their own views. */
export const TIMELINE_KINDS: ReadonlySet<EntityKind> = new Set(['order', 'fulfilment', 'return', 'transfer']);

/** One page of a history, oldest first; `nextCursor` continues it. */
export interface TimelinePage {
  kind: EntityKind;
  id: string;
  items: TimelineEntry[];
  nextCursor?: string;
}

/**
 * The timelines. The journal cannot serve a history: it is deleted behind each snapshot. So every step that
 * moves an order, fulfilment, return or transfer also writes what happened to each of them: one record per
 * entity per step, issued just before the step's facts are appended, so both share one LMDB transaction and
 * are durable together (and a step that failed before changing anything wrote nothing). Replay writes
 * nothing: the records of replayed steps are already stored.
 */
export class Timeline {
  readonly #engine: Engine;
  /** The step being recorded and its entries per entity (`<kind>:<id>`); a step that threw is dropped unwritten. */
  #step: Step | undefined;
  readonly #pending = new Map<string, StoredTimelineEntry[]>();

  constructor(engine: Engine) {
    this.#engine = engine;
    engine.onEntityTransition((step, entry, event, before, effects) => {
      if (!TIMELINE_KINDS.has(entry.kind)) return;
      if (this.#step !== step) {
        this.#step = step;
        this.#pending.clear();
      }
      const key = `${entry.kind}:${entry.id}`;
      const list = this.#pending.get(key);
      const item = timelineEntry(event, before, entry.snapshot, effects);
      if (list) list.push(item);
      else this.#pending.set(key, [item]);
    });
    engine.onStepCommitting((step) => {
      if (this.#step !== step) return;
      for (const [key, entries] of this.#pending) {
        engine.failOnReject(engine.store.timeline.put(recordKey(key, step.seqKey), { v: SCHEMA_VERSION, at: step.at, by: step.by, entries }));
      }
      this.#pending.clear();
      this.#step = undefined;
    });
  }

  /**
   * A page of an entity's history, oldest first. The cursor is `<step seq>.<entry index>` of the last entry
   * returned; a 404 when the entity never existed.
   */
  page(kind: EntityKind, id: string, options: { limit: number; cursor?: string }): TimelinePage {
    if (!TIMELINE_KINDS.has(kind) || !this.#engine.entityState(kind, id)) throw new DomainError('not_found', `no ${kind} '${id}'`);
    const after = parseCursor(options.cursor);
    const prefix = `${kind}:${id}/`;
    const items: TimelineEntry[] = [];
    let last: string | undefined;
    let more = false;
    // `0` sorts right after `/`, so this range is exactly this entity's records.
    const range = this.#engine.store.timeline.getRange({ start: after ? recordKey(`${kind}:${id}`, seqKey(after.seq)) : prefix, end: `${kind}:${id}0` });
    for (const { key, value } of range) {
      checkVersion('timeline', value);
      const seq = Number(key.slice(prefix.length));
      const entries = shownEntries(value);
      for (let i = 0; i < entries.length; i++) {
        if (after && (seq < after.seq || (seq === after.seq && i <= after.index))) continue;
        if (items.length === options.limit) {
          more = true;
          break;
        }
        items.push(entries[i]!);
        last = `${seq}.${i}`;
      }
      if (more) break;
    }
    return more && last ? { kind, id, items, nextCursor: last } : { kind, id, items };
  }
}

/** `<kind>:<id>/<step seq, zero-padded so keys sort by it>`. */
function recordKey(entity: string, seqKey: string): string {
  return `${entity}/${seqKey}`;
}

function parseCursor(cursor: string | undefined): { seq: number; index: number } | undefined {
  if (cursor === undefined) return undefined;
  const m = /^(\d{1,16})\.(\d{1,6})$/.exec(cursor);
  if (!m) throw new DomainError('invalid_request', 'the cursor is not valid', [{ path: 'cursor', message: 'must be a nextCursor from a previous page' }]);
  return { seq: Number(m[1]), index: Number(m[2]) };
}
