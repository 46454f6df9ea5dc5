import type { FeedClient } from './feed-client.js';
import type { Piece } from './pieces.js';

/** Which clients of one fan-out watch which keys (or whole pools), and the latest piece of each watched key. */
export class SubscriptionIndex {
  private readonly byKey = new Map<string, Set<FeedClient>>();
  private readonly byPool = new Map<string, Set<FeedClient>>();
  /** What a client that skipped values gets when it drains; kept only while someone watches the key. */
  private readonly latest = new Map<string, Piece>();

  addKey(key: string, client: FeedClient): void {
    add(this.byKey, key, client);
  }

  addPool(pool: string, client: FeedClient): void {
    add(this.byPool, pool, client);
  }

  /** Removes a client's key; true when no client here watches that key any more. */
  removeKey(key: string, pool: string, client: FeedClient): boolean {
    const empty = remove(this.byKey, key, client);
    if (empty && !this.byPool.has(pool)) this.latest.delete(key);
    return empty;
  }

  /** Removes a client's whole-pool subscription; true when no client here watches the whole pool any more. */
  removePool(pool: string, client: FeedClient): boolean {
    const empty = remove(this.byPool, pool, client);
    if (empty) for (const [key, piece] of this.latest) if (piece.pool === pool && !this.byKey.has(key)) this.latest.delete(key);
    return empty;
  }

  /** Records a published piece; returns the clients that watch it (none when all left meanwhile). */
  record(piece: Piece): FeedClient[] {
    const a = this.byKey.get(piece.key);
    const b = this.byPool.get(piece.pool);
    if (!a && !b) return [];
    this.latest.set(piece.key, piece);
    if (!b) return [...a!];
    if (!a) return [...b];
    return [...new Set([...a, ...b])];
  }

  latestOf(key: string): Piece | undefined {
    return this.latest.get(key);
  }
}

function add(map: Map<string, Set<FeedClient>>, k: string, client: FeedClient): void {
  const set = map.get(k);
  if (set) set.add(client);
  else map.set(k, new Set([client]));
}

function remove(map: Map<string, Set<FeedClient>>, k: string, client: FeedClient): boolean {
  const set = map.get(k);
  if (!set?.delete(client)) return false;
  if (set.size > 0) return false;
  map.delete(k);
  return true;
}
