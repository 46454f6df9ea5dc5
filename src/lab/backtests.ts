import { randomBytes } from 'node:crypto';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { DomainError } from '../domain/errors.js';
import type { Engine } from '../engine/index.js';
import {
  countRecordedOrders,
  ReplayPool,
  type ReplayLocation,
  type ReplayOrder,
  type ReplayProducts,
  type ReplayReply,
  type SandboxState,
  type SourcingProfiles,
} from '../sourcing/index.js';
import type { Stock } from '../stock/index.js';
import { parseBacktestRequest } from './backtest-request.js';
import { Backtest, type BacktestReport, type BacktestView } from './backtest.js';
import { PeriodOrders, periodRange } from './period-orders.js';

export interface BacktestsOptions {
  /** Most orders one backtest may replay (orders taken in its period); past it 409. */
  maxOrders: number;
  /** Orders per chunk sent to a worker: the most a cancellation waits for, and what one message copies on the engine's thread. Default 1000. */
  chunkOrders?: number;
  /** Worker threads for backtests (apart from the intake pool). Default 1. */
  workers?: number;
  /** The optimizer's budget per problem. Default 100 ms, as at intake. */
  budgetMs?: number;
  /** @internal A replay worker module; tests substitute a slow one. */
  workerFile?: string;
}

/** What backtests read: the engine (orders, decision records, locations) and the catalog. Never written. */
export interface LabPorts {
  readonly engine: Engine;
  readonly stock: Stock;
}

/** Backtests running at once: each holds a worker thread for its whole run. */
const MAX_RUNNING = 1;
/** Finished backtests kept (in memory, with their per-order rows) for their reports. */
const KEPT = 8;
/** How long reading the period may hold the engine's thread before it yields to intake. */
const SLICE_MS = 8;
/** Orders read per slice: a stored decision takes ~0.1-0.5 ms to read, so a few keep a slice near SLICE_MS. */
const SLICE_ORDERS = 16;
/** Changed or unsourced orders explained in full per backtest. */
const EXPLAINED = 100;

const EMPTY_SANDBOX: SandboxState = { drift: [], day: '', today: [] };

/**
 * Backtests of sourcing profiles (`POST /sourcing/backtests`): the orders of a period are replayed in a
 * worker against a draft and against the profile that was live, each against the stock it saw, in a
 * sandbox. Nothing here writes: live stock, orders and records stay as they were. Reports live in memory
 * (a restart forgets them).
 */
export class Backtests {
  readonly #ports: LabPorts;
  readonly #profiles: SourcingProfiles;
  readonly #options: Required<Omit<BacktestsOptions, 'workerFile' | 'workers'>>;
  readonly #pool: ReplayPool;
  readonly #all = new Map<string, Backtest>();

  constructor(ports: LabPorts, profiles: SourcingProfiles, options: BacktestsOptions) {
    if (!Number.isInteger(options.maxOrders) || options.maxOrders < 1) {
      throw new DomainError('invalid_request', 'invalid Backtests options: maxOrders must be a whole number >= 1', [{ path: 'maxOrders', message: 'must be a whole number >= 1' }]);
    }
    this.#ports = ports;
    this.#profiles = profiles;
    this.#options = { maxOrders: options.maxOrders, chunkOrders: options.chunkOrders ?? 1000, budgetMs: options.budgetMs ?? 100 };
    this.#pool = new ReplayPool({ ...(options.workers === undefined ? {} : { workers: options.workers }), ...(options.workerFile === undefined ? {} : { workerFile: options.workerFile }) });
  }

  /** The most orders one backtest may replay. */
  get maxOrders(): number {
    return this.#options.maxOrders;
  }

  /**
   * Validates a request and starts its backtest. Throws `invalid_request` (every problem listed), `conflict`
   * when the period holds more orders than the limit (naming it) or another backtest is running.
   */
  start(body: unknown, by?: string): BacktestView {
    const request = parseBacktestRequest(body, this.#profiles);
    const running = [...this.#all.values()].filter((b) => b.status === 'running');
    if (running.length >= MAX_RUNNING) {
      throw new DomainError('conflict', `backtest ${running[0]!.id} is running; wait for it or cancel it (DELETE /sourcing/backtests/${running[0]!.id})`);
    }
    const { engine } = this.#ports;
    const range = periodRange(request.fromMs, request.toMs);
    const total = countRecordedOrders(engine, range);
    if (total > this.#options.maxOrders) {
      throw new DomainError('conflict', `the period holds ${total} orders, more than the backtest limit of ${this.#options.maxOrders}; choose a shorter period (the limit is FULCRUM_BACKTEST_MAX_ORDERS)`, [
        { path: 'to', message: `at most ${this.#options.maxOrders} orders per backtest`, limit: this.#options.maxOrders, orders: total },
      ]);
    }
    const now = engine.clock.now();
    const id = `job_${now.toString(36).padStart(9, '0')}${randomBytes(4).toString('hex')}`;
    const backtest = new Backtest(id, request, total, now, by);
    this.#prune();
    this.#all.set(id, backtest);
    const versionOf = (pid: string, v: number) => this.#profiles.get(pid)?.versions.find((x) => x.version === v)?.document;
    backtest.finished = this.#run(backtest, new PeriodOrders(engine, range, request.filter, versionOf));
    return backtest.view(now);
  }

  /** Stops a running backtest; resolves once it has stopped. Its report covers the orders replayed before. */
  async cancel(id: string): Promise<BacktestView> {
    const backtest = this.#get(id);
    if (backtest.status !== 'running') {
      throw new DomainError('invalid_state', `backtest ${id} is ${backtest.status} already; only a running backtest can be cancelled`);
    }
    backtest.stop.abort();
    await backtest.finished;
    return backtest.view(this.#ports.engine.clock.now());
  }

  /** A backtest's progress, as `GET /jobs/:id` shows it; undefined for an id that is not a backtest. */
  view(id: string): BacktestView | undefined {
    return this.#all.get(id)?.view(this.#ports.engine.clock.now());
  }

  /** Every backtest kept, newest first. */
  list(): BacktestView[] {
    const now = this.#ports.engine.clock.now();
    return [...this.#all.values()].reverse().map((b) => b.view(now));
  }

  /** The report so far (final once the backtest is no longer running). */
  report(id: string): BacktestReport {
    return this.#get(id).report(this.#ports.engine.clock.now());
  }

  /** Per-order rows, in arrival order, from `offset`. */
  orders(id: string, offset: number, limit: number, changedOnly: boolean) {
    return this.#get(id).orders(offset, limit, changedOnly);
  }

  /** Stops every running backtest and the worker threads (shutdown). */
  async close(): Promise<void> {
    const running = [...this.#all.values()].filter((b) => b.status === 'running');
    for (const b of running) b.stop.abort();
    await Promise.all(running.map((b) => b.finished));
    await this.#pool.close();
  }

  #get(id: string): Backtest {
    const backtest = this.#all.get(id);
    if (!backtest) throw new DomainError('not_found', `no backtest '${id}' (a restart forgets backtests)`);
    return backtest;
  }

  /**
   * Reads chunk after chunk on the engine's thread (in slices, yielding between them) while the worker
   * replays the chunk before: reading and replaying overlap, and intake runs between slices.
   */
  async #run(backtest: Backtest, period: PeriodOrders): Promise<void> {
    const signal = backtest.stop.signal;
    const locations = this.#locations();
    const products = new Map<string, ReplayProducts[number][1]>();
    let sandboxes: ReplayReply['sandboxes'] = { live: EMPTY_SANDBOX, draft: EMPTY_SANDBOX };
    try {
      let next = this.#read(period, signal, backtest);
      for (;;) {
        const orders = await next;
        if (signal.aborted || orders.length === 0) break;
        next = period.done ? Promise.resolve([]) : this.#read(period, signal, backtest);
        const task = {
          draftKey: backtest.id,
          draft: backtest.request.draft,
          live: period.liveProfiles,
          orders,
          ...this.#references(orders, locations, products),
          sandboxes,
          explain: Math.max(0, EXPLAINED - backtest.explained),
          budgetMs: this.#options.budgetMs,
        };
        const sent = performance.now();
        const reply = await this.#pool.replay(task, signal);
        backtest.waitedMs += performance.now() - sent;
        sandboxes = reply.sandboxes;
        backtest.add(reply);
      }
      await next.catch(() => undefined);
      backtest.end(signal.aborted ? 'cancelled' : 'done', this.#ports.engine.clock.now(), period);
    } catch (e) {
      const now = this.#ports.engine.clock.now();
      if (signal.aborted) backtest.end('cancelled', now, period);
      else backtest.end('failed', now, period, e instanceof Error ? e.message : String(e));
    }
  }

  /** The next chunk of replayable orders, read a slice at a time. */
  async #read(period: PeriodOrders, signal: AbortSignal, backtest: Backtest): Promise<ReplayOrder[]> {
    const out: ReplayOrder[] = [];
    while (!period.done && out.length < this.#options.chunkOrders && !signal.aborted) {
      const started = performance.now();
      while (!period.done && out.length < this.#options.chunkOrders && performance.now() - started < SLICE_MS) {
        for (const o of period.slice(SLICE_ORDERS)) out.push(o);
      }
      backtest.readMs += performance.now() - started;
      backtest.read = period.read;
      if (!period.done) await nextTurn();
    }
    return out;
  }

  /** Every location's configuration now: a backtest replays the period with today's network. */
  #locations(): Map<string, ReplayLocation> {
    const { engine } = this.#ports;
    const out = new Map<string, ReplayLocation>();
    for (const [id, entry] of engine.registry.locations) {
      const info = engine.locationInfo(entry);
      out.set(id, {
        id,
        geo: info.geo,
        country: info.country,
        status: info.status,
        capabilities: info.capabilities,
        capacity: info.capacity ?? {},
        tags: info.tags,
        ...(info.carrierCutoff === undefined ? {} : { carrierCutoff: info.carrierCutoff }),
        ...(info.timezone === undefined ? {} : { timezone: info.timezone }),
      });
    }
    return out;
  }

  /**
   * The locations and products a chunk's orders refer to. Every location goes with every chunk: units a side
   * left in an earlier chunk may be taken anywhere.
   */
  #references(orders: readonly ReplayOrder[], all: Map<string, ReplayLocation>, products: Map<string, ReplayProducts[number][1]>) {
    const skus = new Map<string, ReplayProducts[number][1]>();
    const catalog = this.#ports.stock.catalog;
    for (const o of orders) {
      for (const line of o.request.lines) {
        if (skus.has(line.sku)) continue;
        let attributes = products.get(line.sku);
        if (attributes === undefined) products.set(line.sku, (attributes = catalog.get(line.sku)?.attributes ?? {}));
        skus.set(line.sku, attributes);
      }
    }
    return { locations: [...all.values()], products: [...skus] as ReplayProducts };
  }

  #prune(): void {
    const finished = [...this.#all.values()].filter((b) => b.status !== 'running');
    for (const b of finished.slice(0, Math.max(0, finished.length - KEPT + 1))) this.#all.delete(b.id);
  }
}
