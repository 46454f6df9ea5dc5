import { ENTITY_KINDS, ENTITY_PREFIX, type EntityKind } from './registry.js';

const TIME_WIDTH = 9; // base36 milliseconds: fixed width keeps ids sortable until the year 5188
const COUNTER_WIDTH = 4;
const COUNTER_LIMIT = 36 ** COUNTER_WIDTH;

/**
 * Ids that sort by creation time (`ord_` + time + counter), so listing newest-first is a key range.
 * Monotonic even if the wall clock steps back: a later id is never smaller than an earlier one.
 */
export class SortableIds {
  private lastMs = 0;
  private counter = 0;
  private readonly prefix: string;

  constructor(prefix: string) {
    this.prefix = prefix;
  }

  /** Never issue an id at or below this time again (set at start from what the journal holds). */
  floor(ms: number): void {
    if (ms > this.lastMs) {
      this.lastMs = ms;
      this.counter = COUNTER_LIMIT - 1; // the next id moves to the following millisecond
    }
  }

  next(nowMs: number): string {
    if (nowMs > this.lastMs) {
      this.lastMs = nowMs;
      this.counter = 0;
    } else if (++this.counter >= COUNTER_LIMIT) {
      this.lastMs++;
      this.counter = 0;
    }
    return `${this.prefix}_${this.lastMs.toString(36).padStart(TIME_WIDTH, '0')}${this.counter.toString(36).padStart(COUNTER_WIDTH, '0')}`;
  }

  /** The creation time encoded in an id, or undefined for ids this class did not make. */
  static timeOf(id: string): number | undefined {
    const m = /^[a-z]{3}_([0-9a-z]{9})[0-9a-z]{4}$/.exec(id);
    return m ? parseInt(m[1]!, 36) : undefined;
  }

  /** The first id a generator with this prefix could issue at `ms`: the start of a key range by time. */
  static firstAt(prefix: string, ms: number): string {
    return `${prefix}_${Math.floor(ms).toString(36).padStart(TIME_WIDTH, '0')}${'0'.repeat(COUNTER_WIDTH)}`;
  }
}

/** One id generator per entity kind, with the kind's journal prefix (`ord_`, `hld_`, ...). */
export class EntityIds {
  private readonly byKind = new Map<EntityKind, SortableIds>(ENTITY_KINDS.map((k) => [k, new SortableIds(ENTITY_PREFIX[k])]));

  /** A new id for an entity of `kind` created at `nowMs`. */
  next(kind: EntityKind, nowMs: number): string {
    return this.byKind.get(kind)!.next(nowMs);
  }

  /** Never issue an id of `kind` at or below this time again. */
  floor(kind: EntityKind, ms: number): void {
    this.byKind.get(kind)!.floor(ms);
  }
}
