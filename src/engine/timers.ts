import type { EntityEntry, EntityKind } from './registry.js';

/** A deadline an entity carries in `context.timers[name]`, as the wheel tracks it. */
export interface DueTimer {
  kind: EntityKind;
  id: string;
  name: string;
  /** The ISO deadline as the entity's context holds it; a timer fires only if the context still says so. */
  deadline: string;
}

interface Slot extends DueTimer {
  at: number;
}

/**
 * The engine's timer wheel. Timers are data: an entity's context holds its deadlines (`timers: {name: iso}`),
 * the wheel indexes them in a min-heap, and the engine fires due ones as `timer.fired` events. Nothing lives
 * only in memory, so recovery rebuilds the wheel from the entities and a deadline that passed while the
 * server was down fires once after the restart. XState's own `after` timers are not restored from
 * snapshots, which is why they are not used.
 */
export class TimerWheel {
  private readonly heap: Slot[] = [];
  /** The deadline currently tracked per `kind:id:name`; heap slots that disagree are stale and skipped. */
  private readonly current = new Map<string, string>();

  /** Indexes the deadlines an entity's context holds now. */
  track(kind: EntityKind, entry: EntityEntry): void {
    const timers = (entry.snapshot.context as { timers?: Record<string, string> }).timers;
    if (!timers || entry.snapshot.status !== 'active') return;
    for (const [name, deadline] of Object.entries(timers)) {
      const key = `${kind}:${entry.id}:${name}`;
      if (this.current.get(key) === deadline) continue;
      const at = Date.parse(deadline);
      if (!Number.isFinite(at)) continue;
      this.current.set(key, deadline);
      this.push({ kind, id: entry.id, name, deadline, at });
    }
  }

  /** The earliest tracked deadline (ms), or undefined when none. */
  next(): number | undefined {
    return this.heap[0]?.at;
  }

  /** Removes and returns the timers due at `now`, earliest first (stale slots dropped). */
  takeDue(now: number): DueTimer[] {
    const due: DueTimer[] = [];
    while (this.heap.length > 0 && this.heap[0]!.at <= now) {
      const slot = this.pop()!;
      const key = `${slot.kind}:${slot.id}:${slot.name}`;
      if (this.current.get(key) !== slot.deadline) continue;
      this.current.delete(key);
      due.push({ kind: slot.kind, id: slot.id, name: slot.name, deadline: slot.deadline });
    }
    return due;
  }

  get size(): number {
    return this.current.size;
  }

  private push(slot: Slot): void {
    const h = this.heap;
    h.push(slot);
    let i = h.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (h[parent]!.at <= slot.at) break;
      h[i] = h[parent]!;
      i = parent;
    }
    h[i] = slot;
  }

  private pop(): Slot | undefined {
    const h = this.heap;
    const top = h[0];
    const last = h.pop();
    if (h.length === 0 || last === undefined) return top;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= h.length) break;
      const r = l + 1;
      const c = r < h.length && h[r]!.at < h[l]!.at ? r : l;
      if (h[c]!.at >= last.at) break;
      h[i] = h[c]!;
      i = c;
    }
    h[i] = last;
    return top;
  }
}
