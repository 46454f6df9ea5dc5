import WebSocket from 'ws';
import { Histogram } from './histogram.js';
import type { FromSubscribers, RateReport, StalenessReport, ToSubscribers } from './protocol.js';

/**
 * A subscriber process of the feed benchmark: many WebSocket clients in one process, so that 10,000 of them
 * fit in a few processes. Each client holds a feed connection to Fulcrum and, when the run compares, one to
 * the plain broadcaster, so that both are measured on the same clients in alternating phases. While
 * measuring, each client logs the seq and arrival time of every value it gets from Fulcrum; with the
 * server's commit times per seq this gives, for every commit and client, the time from the commit to the
 * arrival of that value or a newer one.
 */
interface Client {
  ws: WebSocket;
  /** Its connection to the plain broadcaster, when the run compares with one. */
  plain?: WebSocket;
  ats: number;
  /** Highest seq seen so far, and arrival times: [seq, arrival, seq, arrival, ...] with seq ascending. */
  log: number[];
  seq: number;
  /** When the value it holds arrived. */
  arrived: number;
}

/** Clients handshaking at once per process; more only queues SYNs behind each other. */
const CONCURRENT_CONNECTS = 100;

const clients: Client[] = [];
let logging = false;
let counting = false;
let started = 0;
let deliveries = 0;
let plainDeliveries = 0;
let lag = new Histogram();
const closes: Record<string, number> = {};

function send(m: FromSubscribers): void {
  process.send!(m);
}

function onStock(c: Client, m: { seq: number; ts: number; ats: number }): void {
  const now = Date.now();
  if (counting) {
    deliveries++;
    lag.add(now - m.ts);
  }
  if (m.seq <= c.seq) return;
  c.seq = m.seq;
  c.ats = m.ats;
  c.arrived = now;
  if (logging) c.log.push(m.seq, now);
}

/** Opens a client's feed connection and waits for its snapshot. */
function open(m: Extract<ToSubscribers, { t: 'connect' }>): Promise<Client> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${m.fulcrum}/ws`, { perMessageDeflate: false, handshakeTimeout: 30_000, headers: { authorization: `Bearer ${m.key}` } });
    const c: Client = { ws, ats: NaN, log: [], seq: 0, arrived: 0 };
    ws.on('message', (data) => {
      const msg = JSON.parse(data.toString());
      for (const one of Array.isArray(msg) ? msg : [msg]) {
        if (one.type === 'stock') onStock(c, one);
        else if (one.type === 'snapshot') {
          c.seq = one.items[0].seq;
          c.ats = one.items[0].ats;
          resolve(c);
        } else reject(new Error(JSON.stringify(one)));
      }
    });
    ws.once('open', () => ws.send(JSON.stringify({ op: 'subscribe', ...m.subscribe })));
    ws.once('error', reject);
    ws.once('close', (code) => {
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
  let failed = 0;
  let firstError: string | undefined;
  let next = 0;
  const worker = async () => {
    while (next < m.count) {
      next++;
      try {
        const c = await open(m);
        if (m.plain) c.plain = await openPlain(m.plain);
        clients.push(c);
      } catch (e) {
        failed++;
        firstError ??= (e as Error).message;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENT_CONNECTS, m.count) }, worker));
  send({ t: 'connected', open: clients.length, failed, ...(firstError ? { firstError } : {}) });
}

/** For each commit (seqs ascending) and client: the first arrival of a seq at or above it, minus its commit time. */
function staleness(seqs: number[], times: number[]): StalenessReport {
  logging = false;
  const h = new Histogram();
  let undelivered = 0;
  for (const c of clients) {
    let j = 0;
    for (let i = 0; i < seqs.length; i++) {
      while (j < c.log.length && c.log[j]! < seqs[i]!) j += 2;
      if (j < c.log.length) h.add(c.log[j + 1]! - times[i]!);
      else undelivered++;
    }
    c.log = [];
  }
  const open = clients.filter((c) => c.ws.readyState === WebSocket.OPEN);
  return { staleness: h.toArray(), undelivered, finalAts: open.map((c) => c.ats), closes: { ...closes } };
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
  for (const k of Object.keys(closes)) delete closes[k];
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
    case 'disconnect':
      void disconnect();
      break;
  }
});
process.on('disconnect', () => process.exit(0));
