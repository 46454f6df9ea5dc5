import WebSocket from 'ws';
import { Histogram } from './histogram.js';
import type { FromSubscribers, GroupFinals, RateReport, StalenessReport, ToSubscribers } from './protocol.js';

/**
 * A subscriber process of the feed benchmarks: many WebSocket clients in one process, so that thousands of
 * them fit in a few processes. Each client holds a feed connection to Fulcrum and, when the run compares,
 * one to the plain broadcaster, so that both are measured on the same clients in alternating phases. While
 * measuring, each client logs the highest seq it holds after every frame, with the frame's arrival time;
 * with the server's commit times per seq this gives, for every commit and client, the time from the commit
 * to the arrival of that value or a newer one. Clients come in labelled groups; those connected with `stall`
 * stop reading (pause their socket) on the `stall` command, and are left out of staleness while they do.
 */
interface Client {
  ws: WebSocket;
  /** Its connection to the plain broadcaster, when the run compares with one. */
  plain?: WebSocket;
  group: string;
  /** Stops reading on the `stall` command. */
  stalls: boolean;
  /** Not reading now. */
  paused: boolean;
  /** SKUs whose latest value it keeps, shared by the clients of one `connect`. */
  tracked: ReadonlySet<string>;
  /** Latest value and its seq per tracked SKU. */
  values: Map<string, { ats: number; seq: number }>;
  /** The first subscribed SKU, whose value `finalAts` reports. */
  first: string | undefined;
  /** Highest seq seen so far, and arrival times: [seq, arrival, seq, arrival, ...] with seq ascending. */
  log: number[];
  seq: number;
  /** When the highest seq it holds arrived. */
  arrived: number;
}

interface StockMessage {
  type: 'stock';
  sku: string;
  ats: number;
  seq: number;
  ts: number;
}

interface GroupStats {
  closes: Record<string, number>;
  minAts: number;
  messages: number;
}

/** Clients handshaking at once per process; more only queues SYNs behind each other. */
const CONCURRENT_CONNECTS = 100;

const clients: Client[] = [];
const groups = new Map<string, GroupStats>();
let logging = false;
let counting = false;
let started = 0;
let deliveries = 0;
let plainDeliveries = 0;
let lag = new Histogram();

function send(m: FromSubscribers): void {
  process.send!(m);
}

function statsOf(group: string): GroupStats {
  let g = groups.get(group);
  if (!g) groups.set(group, (g = { closes: {}, minAts: Number.POSITIVE_INFINITY, messages: 0 }));
  return g;
}

/** One frame's stock messages: per-SKU values, then one log entry if the highest seq moved. */
function onStock(c: Client, messages: StockMessage[], now: number): void {
  const g = statsOf(c.group);
  let top = c.seq;
  for (const m of messages) {
    if (counting) {
      deliveries++;
      lag.add(now - m.ts);
    }
    g.messages++;
    if (m.ats < g.minAts) g.minAts = m.ats;
    if (m.seq > top) top = m.seq;
    if (!c.tracked.has(m.sku)) continue;
    const held = c.values.get(m.sku);
    if (!held || m.seq > held.seq) c.values.set(m.sku, { ats: m.ats, seq: m.seq });
  }
  if (top <= c.seq) return;
  c.seq = top;
  c.arrived = now;
  if (logging) c.log.push(top, now);
}

/** Opens a client's feed connection and waits for its (first) snapshot message. */
function open(m: Extract<ToSubscribers, { t: 'connect' }>, tracked: ReadonlySet<string>): Promise<Client> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${m.fulcrum}/ws`, { perMessageDeflate: false, handshakeTimeout: 30_000, headers: { authorization: `Bearer ${m.key}` } });
    const group = m.group ?? 'default';
    const c: Client = { ws, group, stalls: m.stall === true, paused: false, tracked, values: new Map(), first: m.subscribe.skus?.[0], log: [], seq: 0, arrived: 0 };
    let ready = false;
    ws.on('message', (data) => {
      const now = Date.now();
      const msg = JSON.parse(data.toString());
      const all = Array.isArray(msg) ? msg : [msg];
      if (all[0]?.type === 'stock') return onStock(c, all, now);
      for (const one of all) {
        if (one.type !== 'snapshot') return reject(new Error(JSON.stringify(one)));
        for (const it of one.items as Array<{ sku: string; ats: number; seq: number }>) {
          if (tracked.has(it.sku)) c.values.set(it.sku, { ats: it.ats, seq: it.seq });
          if (it.seq > c.seq) c.seq = it.seq;
        }
        if (ready) continue;
        ready = true;
        c.arrived = now;
        resolve(c);
      }
    });
    ws.once('open', () => ws.send(JSON.stringify({ op: 'subscribe', ...m.subscribe })));
    ws.once('error', reject);
    ws.once('close', (code) => {
      const closes = statsOf(group).closes;
      closes[code] = (closes[code] ?? 0) + 1;
      reject(new Error(`closed with ${code} before it was ready`));
    });
  });
}

/** Opens a client's connection to the plain broadcaster; its frames are parsed like Fulcrum's, and counted. */
function openPlain(url: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { perMessageDeflate: false, handshakeTimeout: 30_000 });
    ws.on('message', (data) => {
      JSON.parse(data.toString());
      if (counting) plainDeliveries++;
    });
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

async function connect(m: Extract<ToSubscribers, { t: 'connect' }>): Promise<void> {
  const tracked = new Set(m.track ?? m.subscribe.skus ?? []);
  statsOf(m.group ?? 'default');
  let failed = 0;
  let opened = 0;
  let firstError: string | undefined;
  let next = 0;
  const worker = async () => {
    while (next < m.count) {
      next++;
      try {
        const c = await open(m, tracked);
        if (m.plain) c.plain = await openPlain(m.plain);
        clients.push(c);
        opened++;
      } catch (e) {
        failed++;
        firstError ??= (e as Error).message;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENT_CONNECTS, m.count) }, worker));
  send({ t: 'connected', open: opened, failed, ...(firstError ? { firstError } : {}) });
}

/** For each commit (seqs ascending) and reading client: the first arrival of a seq at or above it, minus its commit time. */
function staleness(seqs: number[], times: number[]): StalenessReport {
  logging = false;
  const all = new Histogram();
  const byGroup = new Map<string, { h: Histogram; undelivered: number }>();
  let undelivered = 0;
  for (const c of clients) {
    if (c.paused) {
      c.log = [];
      continue;
    }
    let g = byGroup.get(c.group);
    if (!g) byGroup.set(c.group, (g = { h: new Histogram(), undelivered: 0 }));
    let j = 0;
    for (let i = 0; i < seqs.length; i++) {
      while (j < c.log.length && c.log[j]! < seqs[i]!) j += 2;
      if (j < c.log.length) {
        all.add(c.log[j + 1]! - times[i]!);
        g.h.add(c.log[j + 1]! - times[i]!);
      } else {
        undelivered++;
        g.undelivered++;
      }
    }
    c.log = [];
  }
  const open = clients.filter((c) => !c.paused && c.ws.readyState === WebSocket.OPEN);
  const closes: Record<string, number> = {};
  for (const g of groups.values()) for (const [code, n] of Object.entries(g.closes)) closes[code] = (closes[code] ?? 0) + n;
  return {
    staleness: all.toArray(),
    undelivered,
    finalAts: open.map((c) => (c.first === undefined ? NaN : (c.values.get(c.first)?.ats ?? NaN))),
    closes,
    groups: Object.fromEntries([...byGroup].map(([name, g]) => [name, { staleness: g.h.toArray(), undelivered: g.undelivered }])),
  };
}

function finals(skus: string[]): Record<string, GroupFinals> {
  const out: Record<string, GroupFinals> = {};
  for (const [name, g] of groups) out[name] = { clients: 0, open: 0, closes: { ...g.closes }, values: Object.fromEntries(skus.map((s) => [s, {}])), minAts: g.minAts, messages: g.messages };
  for (const c of clients) {
    const f = out[c.group]!;
    f.clients++;
    if (c.ws.readyState !== WebSocket.OPEN) continue;
    f.open++;
    for (const sku of skus) {
      const v = String(c.values.get(sku)?.ats ?? 'none');
      f.values[sku]![v] = (f.values[sku]![v] ?? 0) + 1;
    }
  }
  return out;
}

async function disconnect(): Promise<void> {
  const all = clients.splice(0);
  const sockets = all.flatMap((c) => (c.plain ? [c.ws, c.plain] : [c.ws]));
  await Promise.all(
    sockets.map(
      (ws) =>
        new Promise<void>((resolve) => {
          if (ws.readyState === WebSocket.CLOSED) return resolve();
          ws.once('close', () => resolve());
          ws.terminate();
        }),
    ),
  );
  groups.clear();
  send({ t: 'disconnected' });
}

process.on('message', (m: ToSubscribers) => {
  switch (m.t) {
    case 'connect':
      void connect(m);
      break;
    case 'measure-start':
      logging = counting = true;
      started = Date.now();
      // A commit the coordinator records may have arrived just before this message did.
      for (const c of clients) c.log = [c.seq, c.arrived];
      deliveries = 0;
      plainDeliveries = 0;
      lag = new Histogram();
      break;
    case 'measure-stop': {
      counting = false;
      const report: RateReport = { deliveries, plainDeliveries, seconds: (Date.now() - started) / 1000, lag: lag.toArray() };
      send({ t: 'rate', report });
      break;
    }
    case 'staleness':
      send({ t: 'staleness', report: staleness(m.seqs, m.times) });
      break;
    case 'finals':
      send({ t: 'finals', groups: finals(m.skus) });
      break;
    case 'stall':
      for (const c of clients) {
        if (!c.stalls) continue;
        c.paused = true;
        c.ws.pause();
      }
      break;
    case 'resume':
      for (const c of clients) {
        if (!c.paused) continue;
        c.paused = false;
        c.ws.resume();
      }
      send({ t: 'resumed' });
      break;
    case 'disconnect':
      void disconnect();
      break;
  }
});
process.on('disconnect', () => process.exit(0));
