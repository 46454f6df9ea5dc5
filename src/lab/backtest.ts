import type { OrderRow, ReplayReply } from '../sourcing/index.js';
import type { BacktestRequest } from './backtest-request.js';
import { BacktestTally, type Comparison, type ListedOrder, type SideSummary } from './backtest-tally.js';
import type { PeriodOrders, SkipReason } from './period-orders.js';

export type BacktestStatus = 'running' | 'done' | 'cancelled' | 'failed';

/** A backtest as `GET /jobs/:id` shows it: where it is, how fast it goes, and where its report is. */
export interface BacktestView {
  id: string;
  kind: 'sourcing.backtest';
  status: BacktestStatus;
  createdAt: string;
  updatedAt: string;
  finishedAt?: string;
  /** Orders with a recorded decision taken in the period; those read so far; those replayed (read and not skipped). */
  orders: { inPeriod: number; read: number; replayed: number };
  elapsedMs: number;
  /**
   * Where the time went: reading the period on the engine's thread (in slices of at most a few ms), and
   * waiting for the worker (reading the next chunk overlaps it).
   */
  timing: { readingMs: number; waitingForWorkerMs: number };
  /** Orders read per second. */
  rate: number;
  etaSeconds: number | null;
  message?: string;
  error?: { type: string; message: string };
  report: string;
}

/** What a backtest found: both sides in figures, the comparison, and the orders that changed or failed. */
export interface BacktestReport {
  backtest: BacktestView;
  period: { from: string; to: string };
  filter: BacktestRequest['filter'];
  /** The draft, and the live profile versions the orders were placed with. */
  profiles: { draft: { id: string; version: number; source: BacktestRequest['source'] }; live: Array<{ id: string; version: number }> };
  orders: { inPeriod: number; replayed: number; skipped: Partial<Record<SkipReason, number>> };
  /** Each side over all replayed orders (an order one side could not source adds to its `unsourced` only). */
  sides: { live: SideSummary; draft: SideSummary };
  /** On the orders both sourced: draft minus live. */
  comparison: Comparison;
  changed: { count: number; orders: ListedOrder[] };
  unsourced: { count: number; orders: ListedOrder[] };
  /** How faithful the replay is: live plans reproduced, and the stock it could not know. */
  fidelity: {
    reproduced: number;
    /** Orders where the draft admitted a location whose stock the record did not keep (counted as none). */
    unrecordedStock: number;
    /** Orders whose record kept only the nearest candidates (decisions not proven optimal). */
    partlyRecorded: number;
    notes: string[];
  };
}

const NOTES = [
  'Each order is planned against the stock its decision record kept, plus what each side left or took beyond the live orders before it.',
  "Locations are replayed with today's configuration; their load is the replay's own shipments that UTC day (open orders are not replayed).",
  'Units released later (cancellations, rejections) are not replayed: an order keeps its replayed reservation to the end of the period.',
];

/** One backtest: its request, progress and tally. */
export class Backtest {
  status: BacktestStatus = 'running';
  read = 0;
  explained = 0;
  readMs = 0;
  waitedMs = 0;
  finishedAt: number | undefined;
  error: string | undefined;
  finished: Promise<void> = Promise.resolve();
  readonly stop = new AbortController();
  readonly tally = new BacktestTally();
  #skipped: Partial<Record<SkipReason, number>> = {};
  #partlyRecorded = 0;
  #liveProfiles: Array<{ id: string; version: number }> = [];

  constructor(
    readonly id: string,
    readonly request: BacktestRequest,
    readonly total: number,
    readonly createdAt: number,
    readonly by: string | undefined,
  ) {}

  add(reply: ReplayReply): void {
    this.tally.add(reply.rows, reply.explained);
    this.explained += reply.explained.length;
  }

  end(status: BacktestStatus, now: number, period: PeriodOrders, error?: string): void {
    this.status = status;
    this.finishedAt = now;
    this.read = period.read;
    this.#skipped = { ...period.skipped };
    this.#partlyRecorded = period.partlyRecorded;
    this.#liveProfiles = period.liveProfiles.map((p) => ({ id: p.id, version: p.version }));
    if (error !== undefined) this.error = error;
  }

  view(now: number): BacktestView {
    const end = this.finishedAt ?? now;
    const elapsedMs = Math.max(0, end - this.createdAt);
    const rate = elapsedMs > 0 ? Math.round((this.read * 1000) / elapsedMs) : 0;
    const eta = this.status !== 'running' ? 0 : rate > 0 ? Math.round(((this.total - this.read) / rate) * 10) / 10 : null;
    const replayed = this.tally.rows.length;
    return {
      id: this.id,
      kind: 'sourcing.backtest',
      status: this.status,
      createdAt: new Date(this.createdAt).toISOString(),
      // A finished backtest's view never changes again (so a client polling it sees a settled answer).
      updatedAt: new Date(this.finishedAt ?? now).toISOString(),
      ...(this.finishedAt === undefined ? {} : { finishedAt: new Date(this.finishedAt).toISOString() }),
      orders: { inPeriod: this.total, read: this.read, replayed },
      elapsedMs,
      timing: { readingMs: Math.round(this.readMs), waitingForWorkerMs: Math.round(this.waitedMs) },
      rate,
      etaSeconds: eta,
      ...(this.status === 'cancelled' ? { message: `cancelled: stopped after replaying ${replayed} of ${this.total} orders; the report covers those` } : {}),
      ...(this.status === 'done' && this.total === 0 ? { message: 'no orders were taken in the period: the report is empty' } : {}),
      ...(this.error === undefined ? {} : { error: { type: 'internal', message: this.error } }),
      report: `/sourcing/backtests/${this.id}`,
    };
  }

  report(now: number): BacktestReport {
    const { tally, request } = this;
    return {
      backtest: this.view(now),
      period: { from: new Date(request.fromMs).toISOString(), to: new Date(request.toMs).toISOString() },
      filter: request.filter,
      profiles: { draft: { id: request.draft.id, version: request.draft.version, source: request.source }, live: this.#liveProfiles },
      orders: { inPeriod: this.total, replayed: tally.rows.length, skipped: this.#skipped },
      sides: { live: tally.side('live'), draft: tally.side('draft') },
      comparison: tally.comparison(),
      changed: { count: tally.changed, orders: tally.listed((r) => r.changed) },
      unsourced: { count: tally.unsourced, orders: tally.listed((r) => r.draft === null) },
      fidelity: { reproduced: tally.reproduced, unrecordedStock: tally.unrecorded, partlyRecorded: this.#partlyRecorded, notes: NOTES },
    };
  }

  orders(offset: number, limit: number, changedOnly: boolean): { items: OrderRow[]; next?: number } {
    const items: OrderRow[] = [];
    let i = offset;
    for (; i < this.tally.rows.length && items.length < limit; i++) {
      const row = this.tally.rows[i]!;
      if (!changedOnly || row.changed) items.push(row);
    }
    return i < this.tally.rows.length ? { items, next: i } : { items };
  }
}
