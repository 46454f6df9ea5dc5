import { DomainError } from '../domain/errors.js';
import { listAlerts, type Alerts } from '../alerts/index.js';
import type { CommittedChanges, Engine } from '../engine/index.js';
import type { Stock } from '../stock/index.js';

/** What the feed reads: committed changes from the engine, availability from stock, open alerts. */
export interface FeedPorts {
  readonly engine: Engine;
  readonly stock: Stock;
  readonly alerts: Alerts;
  /** Future buckets for SKUs under supply rules (snapshots carry them; changes carry them from the step). */
  readonly supply?: Pick<Supply, 'futureOn'>;
}
import type { Supply } from '../supply/index.js';
import { ALERTS_CHANNEL, errorMessage, type AlertMessage, type StockMessage } from './messages.js';
import { encodePiece, keyOf, type Piece } from './pieces.js';
import type { PieceSink, SnapshotReply, Upstream } from './upstream.js';

/** What the source has done since start, for `/metrics` and the benchmark. */
export interface FeedSourceStats {
  /** Windows that published at least one piece. */
  windows: number;
  /** Committed changes of watched keys (before coalescing). */
  changes: number;
  /** Pieces encoded: one per key per window per format. */
  pieceEncodes: number;
}

const FORMATS = 2;

/**
 * The engine's side of the feed, on the engine's thread: it listens to committed changes, keeps only keys
 * some fan-out watches, coalesces them per key (at most one piece per key per window, latest value wins),
 * encodes each piece once, and hands every sink the pieces it watches. It also answers subscribes with
 * durable snapshots. It holds no client: per-client state lives in the fan-outs.
 */
export class FeedSource {
  readonly stats: FeedSourceStats = { windows: 0, changes: 0, pieceEncodes: 0 };
  private readonly byKey = new Map<string, Set<PieceSink>>();
  private readonly byPool = new Map<string, Set<PieceSink>>();
  private readonly pending = new Map<string, StockMessage | AlertMessage>();
  /** Last seq issued per key; bounded by the keys ever watched (pools x SKUs). */
  private readonly issued = new Map<string, number>();
  /** The highest journal seq whose changes reached the listener: every snapshot reflects at least it. */
  private committedHead: number;
  private lastFlush = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly stopListening: () => void;

  constructor(
    private readonly ports: FeedPorts,
    private readonly windowMs: number,
  ) {
    this.committedHead = ports.engine.journal.nextSeq - 1;
    this.stopListening = ports.engine.onCommitted((c) => this.onCommitted(c));
  }

  /** The upstream a fan-out uses to subscribe, bound to the sink that receives its pieces. */
  upstreamFor(sink: PieceSink): Upstream {
    return {
      subscribe: (pool, skus) => this.subscribe(sink, pool, skus),
      unsubscribe: (pool, skus) => this.unsubscribe(sink, pool, skus),
    };
  }

  /** Forgets a sink that went away (a feed process that exited). */
  removeSink(sink: PieceSink): void {
    for (const map of [this.byKey, this.byPool]) {
      for (const [k, sinks] of map) if (sinks.delete(sink) && sinks.size === 0) map.delete(k);
    }
  }

  close(): void {
    this.stopListening();
    clearTimeout(this.timer);
    this.pending.clear();
  }

  private onCommitted(c: CommittedChanges): void {
    const ts = Date.now();
    // Steps reach the listener in journal order, each with a new seq. A batch at or below the head was
    // published outside a step (a pool redefined) under the last step's seq: give it a seq above every
    // snapshot already answered, or clients would take it for a value they have.
    const fresh = c.seq > this.committedHead;
    const base = fresh ? c.seq : this.committedHead + 1;
    for (const ch of c.changes) {
      // The key (a new string, hashed) only when some SKU is watched by key: a bulk load changes a SKU per row.
      const poolWatched = this.byPool.has(ch.pool);
      if (!poolWatched && this.byKey.size === 0) continue;
      const key = keyOf(ch.pool, ch.sku);
      if (!poolWatched && !this.byKey.has(key)) continue;
      const seq = Math.max(base, (this.issued.get(key) ?? 0) + 1);
      this.issued.set(key, seq);
      this.pending.set(key, { type: 'stock', pool: ch.pool, sku: ch.sku, ats: ch.ats, seq, ts, ...(ch.future ? { future: ch.future } : {}) });
      this.stats.changes++;
    }
    if (this.byPool.has(ALERTS_CHANNEL)) {
      for (const alert of c.alerts) {
        // One piece per alert per window: its latest state wins, like a stock key.
        this.pending.set(keyOf(ALERTS_CHANNEL, alert.id), { type: 'alert', alert, seq: base, ts });
        this.stats.changes++;
      }
    }
    if (fresh) this.committedHead = c.seq;
    if (this.pending.size > 0 && !this.timer) {
      // After a quiet spell the window opens at once (next turn, so that one group commit stays one piece);
      // under a steady flow each key goes out at most once per window.
      const wait = Math.max(0, this.lastFlush + this.windowMs - ts);
      this.timer = setTimeout(() => this.flush(), wait);
    }
  }

  private flush(): void {
    this.timer = undefined;
    this.lastFlush = Date.now();
    const bySink = new Map<PieceSink, Piece[]>();
    for (const [key, message] of this.pending) {
      const sinks = this.sinksOf(key, message.type === 'stock' ? message.pool : ALERTS_CHANNEL);
      if (sinks.length === 0) continue;
      const piece = encodePiece(message);
      this.stats.pieceEncodes += FORMATS;
      for (const sink of sinks) {
        const list = bySink.get(sink);
        if (list) list.push(piece);
        else bySink.set(sink, [piece]);
      }
    }
    this.pending.clear();
    if (bySink.size > 0) this.stats.windows++;
    for (const [sink, pieces] of bySink) sink.publish(pieces);
  }

  private sinksOf(key: string, pool: string): PieceSink[] {
    const a = this.byKey.get(key);
    const b = this.byPool.get(pool);
    if (!b) return a ? [...a] : [];
    if (!a) return [...b];
    return [...new Set([...a, ...b])];
  }

  private async subscribe(sink: PieceSink, pool: string, skus: string[] | null): Promise<SnapshotReply> {
    const { index, catalog } = this.ports.stock;
    try {
      if (pool === ALERTS_CHANNEL) {
        watch(this.byPool, pool, sink);
        const since = this.committedHead;
        const alerts = [...listAlerts(this.ports, { status: 'open', limit: 500 }), ...listAlerts(this.ports, { status: 'acknowledged', limit: 500 })];
        await this.ports.engine.store.root.flushed;
        return { ok: true, since, items: [], alerts };
      }
      if (!index.pool(pool)) throw new DomainError('not_found', `no pool '${pool}'`, [{ path: 'pool', message: `no pool '${pool}'` }]);
      if (skus) {
        const unknown = skus.flatMap((sku, i) => (catalog.has(sku) ? [] : [{ path: `skus[${i}]`, message: `no product '${sku}'` }]));
        if (unknown.length > 0) throw new DomainError('not_found', 'unknown SKUs', unknown);
        for (const sku of skus) watch(this.byKey, keyOf(pool, sku), sink);
      } else {
        watch(this.byPool, pool, sink);
      }
      const since = this.committedHead;
      const now = this.ports.engine.clock.now();
      const items = (skus ?? this.allSkus()).map((sku) => {
        const future = this.ports.supply?.futureOn(pool, sku, now);
        return { sku, ats: index.ats(pool, sku), ...(future ? { future } : {}) };
      });
      // The index may already hold a step that is not on disk yet: answer once every write so far is.
      await this.ports.engine.store.root.flushed;
      return { ok: true, since, items };
    } catch (e) {
      return { ok: false, error: errorMessage(e).error };
    }
  }

  private unsubscribe(sink: PieceSink, pool: string, skus: string[] | null): void {
    if (!skus) unwatch(this.byPool, pool, sink);
    else for (const sku of skus) unwatch(this.byKey, keyOf(pool, sku), sink);
  }

  /** Every product, for a whole-pool snapshot (the catalog itself cannot be listed). */
  private allSkus(): string[] {
    const out: string[] = [];
    for (const sku of this.ports.engine.store.products.getKeys()) if (this.ports.stock.catalog.has(sku)) out.push(sku);
    return out;
  }
}

function watch(map: Map<string, Set<PieceSink>>, k: string, sink: PieceSink): void {
  const sinks = map.get(k);
  if (sinks) sinks.add(sink);
  else map.set(k, new Set([sink]));
}

function unwatch(map: Map<string, Set<PieceSink>>, k: string, sink: PieceSink): void {
  const sinks = map.get(k);
  if (sinks?.delete(sink) && sinks.size === 0) map.delete(k);
}
