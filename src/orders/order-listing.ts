import type { OrderContext } from '../../actors/index.js';
import type { Engine } from '../engine/index.js';
import type { Orders } from './orders.js';
import { orderView, type OrderView } from './order-view.js';

export interface ListOrdersQuery {
  status?: string;
  limit: number;
  /** The last id of the previous page: the listing continues with older orders. */
  cursor?: string;
  /** Only orders created by this API key (storefront keys see their own orders only). */
  createdBy?: string;
}

export interface OrderPage {
  items: OrderView[];
  nextCursor?: string;
}

/** How many orders one page may look at, so a rare status filter cannot scan all history in one call. */
const SCAN_LIMIT = 5000;

/**
 * Lists orders newest first. Ids sort by creation time, so this merges two descending streams: live and
 * passivating orders from memory, and stored snapshots from LMDB (where a live copy wins).
 */
export function listOrders({ engine, orders }: { engine: Engine; orders: Orders }, q: ListOrdersQuery): OrderPage {
  const below = (id: string) => q.cursor === undefined || id < q.cursor;
  const memory = new Map<string, () => OrderView>();
  for (const id of engine.registry.orders.keys()) if (below(id)) memory.set(id, () => orders.get(id)!);
  for (const key of engine.passivating.keys()) {
    if (!key.startsWith('ord:')) continue;
    const id = key.slice(4);
    if (below(id) && !memory.has(id)) memory.set(id, () => orders.get(id)!);
  }
  const live = [...memory.keys()].sort().reverse();

  const stored = engine.store.actors.getRange({ start: q.cursor === undefined ? 'ord;' : `ord:${q.cursor}`, end: 'ord:', reverse: true })[Symbol.iterator]();
  // A cursor left open pins its read transaction: after the next commit lmdb-js starts another one, and
  // a listing that stops before the end would leak one reader slot per call until MDB_READERS_FULL.
  let next: ReturnType<typeof stored.next>;
  const items: OrderView[] = [];
  let i = 0;
  let lastId: string | undefined;
  try {
    next = stored.next();
    let scanned = 0;
    while (items.length < q.limit && scanned < SCAN_LIMIT) {
      while (!next.done && (!below(next.value.key.slice(4)) || memory.has(next.value.key.slice(4)))) next = stored.next();
      const liveId = live[i];
      const storedId = next.done ? undefined : next.value.key.slice(4);
      if (liveId === undefined && storedId === undefined) {
        lastId = undefined;
        break;
      }
      let view: OrderView;
      if (storedId === undefined || (liveId !== undefined && liveId > storedId)) {
        view = memory.get(liveId!)!();
        i++;
      } else {
        const s = next.value!.value.snapshot as { context: OrderContext; value: unknown };
        view = orderView(s.context, s.value, next.value!.value.machine);
        next = stored.next();
      }
      scanned++;
      lastId = view.id;
      if (q.status !== undefined && view.status !== q.status) continue;
      if (q.createdBy !== undefined && view.createdBy !== q.createdBy) continue;
      items.push(view);
    }
  } finally {
    stored.return?.();
  }
  const more = lastId !== undefined && (i < live.length || !next.done);
  return more ? { items, nextCursor: lastId } : { items };
}
