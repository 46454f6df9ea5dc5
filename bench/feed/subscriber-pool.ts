import { fileURLToPath } from 'node:url';
import { request, startProcess, stop, type BenchProcess } from '../lib/processes.js';
import type { FromSubscribers, GroupFinals, RateReport, StalenessReport, ToSubscribers } from './protocol.js';

type Connect = Omit<Extract<ToSubscribers, { t: 'connect' }>, 't' | 'count'>;

/** The coordinator's side of `subscribers.ts`: a few subscriber processes driven as one. */
export class SubscriberPool {
  private constructor(readonly processes: BenchProcess[]) {}

  /** Starts `count` subscriber processes at the given niceness. */
  static async start(count: number, nice: number): Promise<SubscriberPool> {
    const entry = fileURLToPath(new URL('./subscribers.js', import.meta.url));
    return new SubscriberPool(await Promise.all(Array.from({ length: count }, () => startProcess(entry, [], { waitForUrl: false, nice }))));
  }

  /** Opens `total` clients spread evenly over the processes; resolves with how many opened and failed. */
  async connect(total: number, c: Connect): Promise<{ open: number; failed: number; firstError?: string }> {
    const n = this.processes.length;
    type Connected = Extract<FromSubscribers, { t: 'connected' }>;
    const replies = await Promise.all(
      this.processes.map((p, i): Promise<Connected> => {
        const count = Math.floor(total / n) + (i < total % n ? 1 : 0);
        if (count === 0) return Promise.resolve({ t: 'connected', open: 0, failed: 0 });
        return request<Connected>(p.child, { t: 'connect', ...c, count }, 'connected');
      }),
    );
    const firstError = replies.find((r) => r.firstError)?.firstError;
    return { open: replies.reduce((a, r) => a + r.open, 0), failed: replies.reduce((a, r) => a + r.failed, 0), ...(firstError ? { firstError } : {}) };
  }

  broadcast(message: ToSubscribers): void {
    for (const p of this.processes) p.child.send(message);
  }

  /** Ends the rate count: each process's deliveries since `measure-start`. */
  async rates(): Promise<RateReport[]> {
    const replies = await Promise.all(this.processes.map((p) => request<Extract<FromSubscribers, { t: 'rate' }>>(p.child, { t: 'measure-stop' }, 'rate')));
    return replies.map((r) => r.report);
  }

  async staleness(seqs: number[], times: number[]): Promise<StalenessReport[]> {
    const replies = await Promise.all(this.processes.map((p) => request<Extract<FromSubscribers, { t: 'staleness' }>>(p.child, { t: 'staleness', seqs, times }, 'staleness')));
    return replies.map((r) => r.report);
  }

  /** Per group over all processes: clients, open ones, close codes, values held for `skus`, lowest ats seen. */
  async finals(skus: string[]): Promise<Record<string, GroupFinals>> {
    const replies = await Promise.all(this.processes.map((p) => request<Extract<FromSubscribers, { t: 'finals' }>>(p.child, { t: 'finals', skus }, 'finals')));
    const out: Record<string, GroupFinals> = {};
    for (const r of replies) {
      for (const [name, g] of Object.entries(r.groups)) {
        const into = (out[name] ??= { clients: 0, open: 0, closes: {}, values: {}, minAts: Number.POSITIVE_INFINITY, messages: 0 });
        into.clients += g.clients;
        into.open += g.open;
        into.messages += g.messages;
        // Infinity (no message yet) crosses the JSON IPC channel as null.
        if (g.minAts !== null && g.minAts < into.minAts) into.minAts = g.minAts;
        add(into.closes, g.closes);
        for (const [sku, values] of Object.entries(g.values)) add((into.values[sku] ??= {}), values);
      }
    }
    return out;
  }

  async resume(): Promise<void> {
    await Promise.all(this.processes.map((p) => request(p.child, { t: 'resume' }, 'resumed')));
  }

  async disconnect(): Promise<void> {
    await Promise.all(this.processes.map((p) => request(p.child, { t: 'disconnect' }, 'disconnected')));
  }

  pids(): number[] {
    return this.processes.map((p) => p.child.pid!);
  }

  async stop(): Promise<void> {
    await Promise.all(this.processes.map((p) => stop(p)));
  }
}

function add(into: Record<string, number>, from: Record<string, number>): void {
  for (const [k, n] of Object.entries(from)) into[k] = (into[k] ?? 0) + n;
}
