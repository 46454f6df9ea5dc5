import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ProbeReport } from './buffer-probe.js';

/** One look at the server: resident memory of its processes, the kernel's TCP memory, the feed's unsent bytes. */
export interface ServerSample {
  at: number;
  /** RSS of the main (engine) process and of its child processes (the feed process), bytes. */
  mainRss: number;
  feedRss: number;
  /** V8 heap in use of the main process and of the feed process (from the probes), bytes. */
  mainHeap: number;
  feedHeap: number;
  /** Memory of all TCP sockets on the machine (`/proc/net/sockstat`), bytes. */
  tcpMemory: number;
  feedClients: number;
  sumBuffered: number;
  maxBuffered: number;
  overSkip: number;
}

/** Every 250 ms: RSS from `/proc`, TCP memory, and the buffer probes' latest reports. */
export class ServerWatch {
  readonly samples: ServerSample[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly pid: number,
    private readonly probeDir: string,
  ) {}

  start(): this {
    this.sample();
    this.timer = setInterval(() => this.sample(), 250);
    return this;
  }

  stop(): void {
    clearInterval(this.timer);
    this.sample();
  }

  /** Samples until the probes report `clients` feed clients (they write every 250 ms), or `timeoutMs` passed. */
  async waitForClients(clients: number, timeoutMs: number): Promise<ServerSample> {
    const until = Date.now() + timeoutMs;
    let s = this.sample();
    while (s.feedClients < clients && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 100));
      s = this.sample();
    }
    return s;
  }

  /** The probes' latest reports (one per server process that loaded the probe). */
  probes(): ProbeReport[] {
    const out: ProbeReport[] = [];
    for (const f of readdirSync(this.probeDir)) {
      if (!f.endsWith('.json')) continue;
      try {
        out.push(JSON.parse(readFileSync(join(this.probeDir, f), 'utf8')) as ProbeReport);
      } catch {
        /* being replaced right now: the next sample reads it */
      }
    }
    return out;
  }

  sample(): ServerSample {
    const probes = this.probes();
    const s: ServerSample = {
      at: Date.now(),
      mainRss: rss(this.pid),
      feedRss: children(this.pid).reduce((a, c) => a + rss(c), 0),
      mainHeap: probes.find((p) => p.pid === this.pid)?.heapUsed ?? NaN,
      feedHeap: probes.filter((p) => p.pid !== this.pid).reduce((a, p) => a + p.heapUsed, 0),
      tcpMemory: tcpMemory(),
      feedClients: probes.reduce((a, p) => a + p.clients, 0),
      sumBuffered: probes.reduce((a, p) => a + p.sumBuffered, 0),
      maxBuffered: Math.max(0, ...probes.map((p) => p.maxBuffered)),
      overSkip: probes.reduce((a, p) => a + p.overSkip, 0),
    };
    this.samples.push(s);
    return s;
  }
}

function rss(pid: number): number {
  try {
    const m = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

function children(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

function tcpMemory(): number {
  const m = /^TCP:.* mem (\d+)/m.exec(readFileSync('/proc/net/sockstat', 'utf8'));
  return m ? Number(m[1]) * 4096 : NaN;
}
