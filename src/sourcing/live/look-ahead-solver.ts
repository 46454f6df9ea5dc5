import { Piscina } from 'piscina';
import { esmWorker } from '../esm-worker.js';
import type { FluidLpAnswer, FluidLpInput, LpLocation } from '../look-ahead/fluid-lp.js';
import { futureValuesOf, lookAheadKey } from '../look-ahead/future-values.js';
import { fluidLpInput } from '../look-ahead/lp-input.js';
import type { SourcingStrategy } from '../profile.js';
import type { SourcingPorts } from './sourcing.js';

const WORKER_FILE = new URL('../look-ahead/worker.js', import.meta.url).href;
const HOUR_MS = 3_600_000;
/** SKUs whose holders are read per event turn while the LP input is built. */
const SKU_CHUNK = 100;
/** How often the solver looks whether a strategy's LP is due (cheap: no work unless one is). */
const TICK_MS = 1000;

export interface LookAheadSolverOptions {
  /** @internal Worker module (path or file URL); tests substitute one. */
  readonly workerFile?: string;
  /** Longest an LP solve may take before it is abandoned (the previous values stay). Default 60 s. */
  readonly timeoutMs?: number;
}

/**
 * Solves the look-ahead LP of every strategy of the active profile that has the term, each as often as its
 * `refreshSeconds` says, in one worker thread (HiGHS), never on the engine's thread: the engine thread only
 * reads the demand window and the stock index to build the LP's input. A failed solve keeps the previous
 * values (or none: the term is 0 until one succeeds) and is retried at the next refresh.
 */
export class LookAheadSolver {
  readonly #ports: SourcingPorts;
  readonly #timeoutMs: number;
  readonly #workerFile: string;
  #piscina: Piscina<FluidLpInput, FluidLpAnswer> | undefined;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  /** Wall-clock time (ms) each strategy was last solved. */
  readonly #solvedAt = new Map<string, number>();
  #failures = 0;
  #lastSolveMs = 0;

  constructor(ports: SourcingPorts, options: LookAheadSolverOptions = {}) {
    this.#ports = ports;
    this.#timeoutMs = options.timeoutMs ?? 60_000;
    this.#workerFile = options.workerFile ?? WORKER_FILE;
  }

  /** Solves due LPs from now on, checking every second. */
  start(): void {
    this.#timer ??= setInterval(() => void this.#tick(), TICK_MS).unref();
  }

  /** LP solves that failed (worker error or timeout) since start. */
  get failures(): number {
    return this.#failures;
  }

  /** How long the worker spent on the last LP that answered (all its SKUs and scenarios), ms. */
  get lastSolveMs(): number {
    return this.#lastSolveMs;
  }

  /** Solves the LP of every look-ahead strategy of the active profile now (waits for one already running first). */
  async refresh(): Promise<void> {
    while (this.#running) await this.#running;
    this.#running = this.#solveAll(this.#strategies()).finally(() => (this.#running = undefined));
    await this.#running;
  }

  /** Stops the timer and the worker (a solve in flight is abandoned). */
  async close(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#piscina?.destroy();
    this.#piscina = undefined;
  }

  #tick(): void {
    if (this.#running) return;
    const now = Date.now();
    const due = this.#strategies().filter((s) => now - (this.#solvedAt.get(lookAheadKey(s)) ?? -Infinity) >= s.costs.lookAhead!.refreshSeconds * 1000);
    if (due.length === 0) return;
    this.#running = this.#solveAll(due).finally(() => (this.#running = undefined));
  }

  #strategies(): SourcingStrategy[] {
    const strategies = this.#ports.sourcing.profile.strategies.filter((s) => s.costs.lookAhead !== undefined);
    this.#ports.sourcing.lookAhead.retain(new Set(strategies.map(lookAheadKey)));
    return strategies;
  }

  async #solveAll(strategies: readonly SourcingStrategy[]): Promise<void> {
    for (const strategy of strategies) {
      const key = lookAheadKey(strategy);
      this.#solvedAt.set(key, Date.now());
      const nowMs = this.#ports.engine.clock.now();
      try {
        const answer = await this.#solve(await this.#input(strategy, nowMs));
        this.#lastSolveMs = answer.elapsedMs;
        this.#ports.sourcing.lookAhead.setPrices(key, { values: futureValuesOf(answer.values), solvedAt: nowMs, skusPriced: Object.keys(answer.values).length, elapsedMs: answer.elapsedMs });
      } catch {
        this.#failures++;
      }
    }
  }

  /**
   * The LP's input, read on the engine's thread: the demand window and the free stock of every holder of the
   * SKUs in demand, `SKU_CHUNK` SKUs per event turn (a catalogue of thousands of SKUs at a thousand locations
   * is millions of reads). Stock may move between chunks: the LP is an estimate either way.
   */
  async #input(strategy: SourcingStrategy, nowMs: number): Promise<FluidLpInput> {
    const { engine, stock, sourcing } = this.#ports;
    const settings = strategy.costs.lookAhead!;
    const longest = Math.max(...this.#strategies().map((s) => s.costs.lookAhead!.windowHours));
    await sourcing.lookAhead.cover(nowMs - longest * HOUR_MS);
    const demand = sourcing.lookAhead.demand.estimate(nowMs, settings);
    const statuses = new Set(strategy.filters.statuses);
    const holders = new Map<string, LpLocation[]>();
    for (let k = 0; k < demand.length; k++) {
      if (k > 0 && k % SKU_CHUNK === 0) await new Promise((resolve) => setImmediate(resolve));
      const sku = demand[k]!.sku;
      const out: LpLocation[] = [];
      for (const [id, units] of stock.index.freeBySku(sku) ?? []) {
        const entry = engine.location(id);
        if (!entry) continue;
        const info = engine.locationInfo(entry);
        if (statuses.has(info.status)) out.push({ id, lat: info.geo.lat, lon: info.geo.lon, stock: units });
      }
      holders.set(sku, out);
    }
    return fluidLpInput(strategy, demand, (sku) => holders.get(sku) ?? [], (sku) => stock.catalog.get(sku)?.attributes);
  }

  #solve(input: FluidLpInput): Promise<FluidLpAnswer> {
    // One thread, started on the first solve and idle otherwise: the LP runs every few minutes at most.
    this.#piscina ??= new Piscina({ ...esmWorker(this.#workerFile), minThreads: 0, maxThreads: 1, idleTimeout: 60_000 });
    return this.#piscina.run(input, { signal: AbortSignal.timeout(this.#timeoutMs) });
  }
}
