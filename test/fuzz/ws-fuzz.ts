import fc from 'fast-check';
import { unpack } from 'msgpackr';
import WebSocket from 'ws';
import { KEYS, startTestServer, type TestServer } from '../helpers/server.js';
import { ERROR_STATUS, envelopeProblem, routeSeed, withCause } from './http-fuzz.js';
import { sendRaw } from './http-request.js';
import { encodeMessage, masked, messageOf, MESSAGES, richMsgpack, wsSession, type Handshake, type WsAction, type WsSession } from './ws-case.js';

export type WsViolationKind =
  | 'server unhealthy' | 'engine failed' | 'state changed' | 'watcher lost updates' | 'bad frame' | 'internal error'
  | 'unclear close' | 'no answer' | 'handshake envelope' | 'auth bypass' | '5xx';

/** What a WebSocket run found. */
export interface WsReport {
  name: string;
  sessions: number;
  actions: number;
  closes: Record<string, number>;
  errorFrames: number;
  violations: Partial<Record<WsViolationKind, number>>;
  examples: string[];
}

/** A feed server, a client that watches one key all along, and the stock level the fuzzer last set. */
export interface WsWorld {
  t: TestServer;
  port: number;
  url: string;
  fatal: Error[];
  watcher: Watcher;
  level: number;
}

/** Close codes that name their reason: ws's protocol errors and the feed's own. 1000 only answers our own close. */
const CLEAR_CLOSES = new Set([1001, 1002, 1007, 1008, 1009, 4008, 4029]);
const READS = ['/availability?pool=default&sku=A&sku=B&locations=true', '/availability?pool=web&sku=A&sku=B&locations=true', '/inventory/BER/A', '/inventory/BER/B'];

/** Starts a feed server with `processes` feed processes, a small network, and a watcher on (default, A). */
export async function createWsWorld(processes: number): Promise<WsWorld> {
  const fatal: Error[] = [];
  const t = await startTestServer({
    server: {
      feedProcesses: processes,
      feedWindowMs: 10,
      // A small key limit so that subscribe floods reach it; a short close grace so sessions end fast.
      feed: { maxKeysPerClient: 5, closeGraceMs: 300 },
      onFatal: (e) => fatal.push(e),
    },
  });
  const must = async (method: string, path: string, body: unknown) => {
    const r = await t.call(method, path, body);
    if (r.status >= 300) throw new Error(`ws fuzz fixture ${method} ${path}: ${r.status} ${JSON.stringify(r.body)}`);
  };
  await must('PUT', '/locations/BER', { name: 'Berlin', geo: { lat: 52.52, lon: 13.4 }, country: 'DE' });
  for (const sku of ['A', 'B', 'C', 'D', 'E', 'F']) await must('PUT', `/products/${sku}`, { name: sku });
  await must('PUT', '/inventory/BER/B', { onHand: 50 });
  await must('PUT', '/pools/web', { name: 'Web', locations: ['BER'], buffer: { units: 1 } });
  const url = t.url.replace('http', 'ws');
  const w: WsWorld = { t, port: t.server.port, url, fatal, watcher: await Watcher.open(url), level: 100 };
  await must('PUT', '/inventory/BER/A', { onHand: w.level });
  return w;
}

/** Stops the watcher and the server. */
export async function stopWsWorld(w: WsWorld): Promise<void> {
  w.watcher.ws.terminate();
  await w.t.stop();
}

/** Fuzzes the feed with generated client sessions; every `watchEvery` sessions the watcher must still get its update. */
export async function fuzzFeed(w: WsWorld, options: { name: string; sessions: number; seed: number; mode: 'assert' | 'count'; watchEvery?: number }): Promise<WsReport> {
  const report: WsReport = { name: options.name, sessions: 0, actions: 0, closes: {}, errorFrames: 0, violations: {}, examples: [] };
  const watchEvery = options.mode === 'assert' ? 1 : (options.watchEvery ?? 10);
  let before = await stateOf(w);
  const property = fc.asyncProperty(wsSession, async (session) => {
    report.sessions++;
    report.actions += session.actions.length;
    const found = await runSession(w, session, report);
    const after = await stateOf(w);
    if (after.text !== before.text) found.push(['state changed', `${before.text.slice(0, 300)} -> ${after.text.slice(0, 300)}`]);
    if (after.served5xx > before.served5xx) found.push(['5xx', `the server counted ${after.served5xx - before.served5xx} answer(s) with a 5xx status`]);
    const health = await w.t.call('GET', '/health', undefined, { key: null });
    if (health.status !== 200) found.push(['server unhealthy', `/health: ${health.status} ${JSON.stringify(health.body)}`]);
    if (w.fatal.length > 0) found.push(['engine failed', w.fatal.splice(0).map((e) => e.message).join('; ')]);
    if (report.sessions % watchEvery === 0) {
      const problem = await watcherGetsUpdates(w);
      if (problem) found.push(['watcher lost updates', problem]);
      before = await stateOf(w);
    } else {
      before = after;
    }
    if (found.length === 0) return;
    const what = JSON.stringify(session, (_k, v) => (typeof v === 'string' && v.length > 120 ? `${v.slice(0, 120)}...(${v.length})` : Array.isArray(v) && v.length > 40 ? `[${v.length} items]` : v));
    for (const [kind, detail] of found) {
      report.violations[kind] = (report.violations[kind] ?? 0) + 1;
      if (report.examples.length < 5) report.examples.push(`${kind}: ${detail}\n    session: ${what.slice(0, 1500)}`);
    }
    if (options.mode === 'assert') throw new Error(`${found.map(([k, d]) => `${k}: ${d}`).join('\n')}\nsession: ${what}`);
  });
  await fc.assert(property, { numRuns: options.sessions, seed: routeSeed(options.seed, options.name) }).catch(withCause);
  return report;
}

/** The feed is read-only: the journal and what the API reads must be the same after any session. */
async function stateOf(w: WsWorld): Promise<{ text: string; served5xx: number }> {
  const reads = await Promise.all(READS.map((p) => w.t.call('GET', p)));
  const metrics = String((await w.t.call('GET', '/metrics')).body);
  let served5xx = 0;
  for (const m of metrics.matchAll(/^fulcrum_http_requests_total\{[^}]*status="5\d\d"[^}]*\} (\d+)$/gm)) served5xx += Number(m[1]);
  return { text: `journal ${w.t.server.fulcrum.engine.journal.nextSeq} ${reads.map((r) => JSON.stringify(r.body)).join(' ')}`, served5xx };
}

/** Changes the watched key's stock over HTTP and waits for the watcher's update; a problem, or undefined. */
async function watcherGetsUpdates(w: WsWorld): Promise<string | undefined> {
  if (w.watcher.closed) {
    const code = w.watcher.closeCode;
    w.watcher = await Watcher.open(w.url);
    return `the watcher was disconnected (close ${code})`;
  }
  w.level = w.level === 100 ? 101 : 100;
  await w.t.call('PUT', '/inventory/BER/A', { onHand: w.level });
  const got = await w.watcher.waitFor((m) => m.type === 'stock' && m.sku === 'A' && m.ats === w.level, 3_000);
  return got ? undefined : `no update to ${w.level} within 3 s (received ${JSON.stringify(w.watcher.messages.slice(-3))})`;
}

async function runSession(w: WsWorld, s: WsSession, report: WsReport): Promise<Array<[WsViolationKind, string]>> {
  if (s.handshake.kind !== 'ok') return refusedHandshake(w, s.handshake);
  const found: Array<[WsViolationKind, string]> = [];
  const h = s.handshake;
  const protocols = h.protocol === 'json' ? ['fulcrum.json'] : h.protocol === 'msgpack' ? ['fulcrum.msgpack'] : [];
  const key = h.auth === 'storefront' ? KEYS.storefront : KEYS.admin;
  const headers: Record<string, string> = h.auth === 'token' ? {} : { authorization: `Bearer ${key}` };
  if (h.spoofRole) headers['x-fulcrum-role'] = 'admin';
  const client = await Client.open(`${w.url}/ws${h.auth === 'token' ? `?token=${key}` : ''}`, protocols, headers);
  if (typeof client === 'string') return [['no answer', `a valid handshake failed: ${client}`]];
  const binary = h.protocol === 'msgpack';
  let closedByUs = false;
  for (const a of s.actions) {
    if (a.kind === 'close-then-send' || a.kind === 'vanish') closedByUs = true;
    if (a.kind === 'swarm') found.push(...(await swarm(w, a.connections)));
    else await client.perform(a);
  }
  if (client.open) {
    client.send(encodeMessage({ op: 'subscribe', pool: 'default', skus: ['A'], id: 'probe' }, binary), binary);
    const answered = await client.waitFor((m) => m.id === 'probe', 5_000);
    if (!answered && client.open) found.push(['no answer', 'the probe subscribe got neither a snapshot nor an error within 5 s']);
  } else {
    await client.closedWithin(3_000);
  }
  for (const problem of client.problems) found.push(problem);
  if (h.auth === 'storefront' && client.messages.some((m) => m.type === 'snapshot' && m.channel === 'alerts')) {
    found.push(['auth bypass', `a storefront key${h.spoofRole ? ' claiming admin in a header' : ''} got the alerts channel`]);
  }
  report.errorFrames += client.messages.filter((m) => m.type === 'error').length;
  const code = client.closeCode;
  if (code !== undefined) {
    report.closes[code] = (report.closes[code] ?? 0) + 1;
    if (!CLEAR_CLOSES.has(code) && !(closedByUs && (code === 1000 || code === 1006))) found.push(['unclear close', `closed with ${code} '${client.closeReason}'`]);
  }
  client.terminate();
  return found;
}

/** Opens many connections at once; each subscribes, sends garbage and drops. Problems are the failed handshakes. */
async function swarm(w: WsWorld, connections: number): Promise<Array<[WsViolationKind, string]>> {
  const clients = await Promise.all(Array.from({ length: connections }, () => Client.open(`${w.url}/ws`, [], { authorization: `Bearer ${KEYS.admin}` })));
  const failed = clients.filter((c): c is string => typeof c === 'string');
  for (const c of clients) {
    if (typeof c === 'string') continue;
    c.send(JSON.stringify({ op: 'subscribe', pool: 'default', skus: ['A', 'B'] }), false);
    c.send(Uint8Array.from([0xc1, 0xdd, 0xff]), true);
  }
  await new Promise((r) => setTimeout(r, 20));
  for (const c of clients) if (typeof c !== 'string') c.terminate();
  return failed.length > 0 ? [['no answer', `${failed.length} of ${connections} handshakes failed: ${failed[0]}`]] : [];
}

/** A handshake that must be refused (or, for harmless oddities, accepted): a refusal is an HTTP 4xx in the envelope. */
async function refusedHandshake(w: WsWorld, h: Exclude<Handshake, { kind: 'ok' }>): Promise<Array<[WsViolationKind, string]>> {
  const upgrade = 'Connection: Upgrade\r\nUpgrade: websocket\r\n';
  const text =
    h.kind === 'bad-auth'
      ? `GET /ws${h.via === 'token' ? `?token=${h.value}` : ''} HTTP/1.1\r\nHost: fuzz\r\n${upgrade}Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n${h.via === 'header' ? `Authorization: ${h.value}\r\n` : ''}\r\n`
      : `${h.method} ${h.path} HTTP/1.1\r\nHost: fuzz\r\n${upgrade}Authorization: Bearer ${KEYS.admin}\r\n${h.headers}\r\n`;
  const res = await sendRaw(w.port, Buffer.from(text, 'latin1'), 5_000).catch((e: Error) => e);
  if (res instanceof Error) return [['no answer', `handshake ${JSON.stringify(text.slice(0, 200))}: ${res.message}`]];
  const found: Array<[WsViolationKind, string]> = [];
  if (h.kind === 'bad-auth' && res.status !== 401) found.push(['auth bypass', `a handshake with ${h.via} ${JSON.stringify(h.value.slice(0, 40))} got ${res.status}`]);
  if (res.status >= 500 || res.status === 0) found.push(['no answer', `handshake got ${res.status}`]);
  if (res.status >= 400 && res.status < 500) {
    const problem = envelopeProblem(res);
    if (problem) found.push(['handshake envelope', `${h.kind === 'bad-upgrade' ? h.how : 'bad auth'}: ${res.status} ${problem}: ${JSON.stringify(res.text.slice(0, 120))}`]);
  }
  return found;
}

type Message = { type?: string; id?: unknown; [k: string]: unknown };

/** A fuzzing client: it keeps every message, checks each frame's shape as it arrives, and writes raw frames when told. */
class Client {
  readonly messages: Message[] = [];
  readonly problems: Array<[WsViolationKind, string]> = [];
  closeCode: number | undefined;
  closeReason = '';
  private waiters: Array<() => void> = [];
  private readonly closed: Promise<void>;

  private constructor(private readonly ws: WebSocket) {
    const binary = ws.protocol === 'fulcrum.msgpack';
    ws.on('message', (data: Buffer, isBinary) => {
      if (isBinary !== binary) this.problems.push(['bad frame', `a ${isBinary ? 'binary' : 'text'} frame on a ${ws.protocol || 'JSON'} connection`]);
      let decoded: unknown;
      try {
        decoded = isBinary ? unpack(data) : JSON.parse(data.toString('utf8'));
      } catch (e) {
        this.problems.push(['bad frame', `undecodable frame: ${(e as Error).message}`]);
        return;
      }
      for (const m of Array.isArray(decoded) ? decoded : [decoded]) {
        const problem = messageProblem(m);
        if (problem) this.problems.push([problem.startsWith('internal') ? 'internal error' : 'bad frame', `${problem}: ${JSON.stringify(m).slice(0, 300)}`]);
        this.messages.push(m as Message);
      }
      this.wake();
    });
    ws.on('error', () => undefined);
    this.closed = new Promise((resolve) =>
      ws.once('close', (code, reason) => {
        this.closeCode = code;
        this.closeReason = reason.toString();
        resolve();
        this.wake();
      }),
    );
  }

  static async open(url: string, protocols: string[], headers: Record<string, string>): Promise<Client | string> {
    const ws = new WebSocket(url, protocols, { headers });
    return new Promise((resolve) => {
      ws.once('open', () => resolve(new Client(ws)));
      ws.once('unexpected-response', (_req, res) => resolve(`HTTP ${res.statusCode}`));
      ws.once('error', (e) => resolve(e.message));
    });
  }

  get open(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  send(data: string | Uint8Array, binary: boolean): void {
    if (this.open) this.ws.send(data, { binary });
  }

  /** Does one action; frames after a close go straight to the socket, as a misbehaving client's would. */
  async perform(a: WsAction): Promise<void> {
    const binaryProtocol = this.ws.protocol === 'fulcrum.msgpack';
    switch (a.kind) {
      case 'message': {
        const binary = a.binary || binaryProtocol;
        this.sendOrWrite(encodeMessage(messageOf(a.template, a.mutations), binary), binary);
        break;
      }
      case 'text':
        this.sendOrWrite(a.text, false);
        break;
      case 'bytes':
      case 'hostile-msgpack':
        this.sendOrWrite(Uint8Array.from(a.bytes), true);
        break;
      case 'rich-msgpack':
        this.sendOrWrite(richMsgpack(a.value), true);
        break;
      case 'oversized':
        this.sendOrWrite(a.binary ? new Uint8Array(a.bytes).fill(0x61) : 'a'.repeat(a.bytes), a.binary);
        break;
      case 'frame':
        this.write(Uint8Array.from(a.frame));
        break;
      case 'flood': {
        const message = encodeMessage(MESSAGES[a.template % MESSAGES.length]!, binaryProtocol);
        for (let i = 0; i < a.count; i++) this.sendOrWrite(message, binaryProtocol);
        break;
      }
      case 'fragments': {
        const text = JSON.stringify({ op: 'subscribe', pool: 'default', skus: ['B'], id: 'fragments' });
        for (let i = 0; i < a.parts; i++) {
          const piece = text.slice(Math.floor((i * text.length) / a.parts), Math.floor(((i + 1) * text.length) / a.parts));
          if (this.open) this.ws.send(piece, { fin: i === a.parts - 1, binary: false });
        }
        break;
      }
      case 'vanish':
        // A subscribe whose snapshot is still on its way when the connection drops without a close.
        this.sendOrWrite(encodeMessage({ op: 'subscribe', pool: 'default', skus: ['A', 'B'], id: 'gone' }, binaryProtocol), binaryProtocol);
        this.ws.terminate();
        break;
      case 'close-then-send':
        if (this.open) this.ws.close(1000, 'fuzz');
        this.write(Uint8Array.from(masked(0x81, [...Buffer.from('{"op":"subscribe","pool":"default","skus":["A"]}')])));
        this.write(Uint8Array.from(masked(0x82, [0xc1, 0xff])));
        break;
    }
    // Let the server answer before the next action, so that answers and closes follow what caused them.
    await new Promise((r) => setTimeout(r, 2));
  }

  waitFor(match: (m: Message) => boolean, timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    return new Promise((resolve) => {
      const check = () => {
        if (this.messages.some(match)) return resolve(true);
        if (this.ws.readyState === WebSocket.CLOSED || Date.now() > deadline) return resolve(false);
        const timer = setTimeout(check, Math.max(1, deadline - Date.now()));
        this.waiters.push(() => {
          clearTimeout(timer);
          check();
        });
      };
      check();
    });
  }

  async closedWithin(ms: number): Promise<void> {
    await Promise.race([this.closed, new Promise((r) => setTimeout(r, ms))]);
  }

  terminate(): void {
    this.ws.terminate();
  }

  private sendOrWrite(data: string | Uint8Array, binary: boolean): void {
    if (this.open) this.ws.send(data, { binary });
    else this.write(Uint8Array.from(masked(binary ? 0x82 : 0x81, [...Buffer.from(data).subarray(0, 60_000)])));
  }

  /** Raw bytes on the socket, whatever ws thinks of its state. */
  private write(bytes: Uint8Array): void {
    const socket = (this.ws as unknown as { _socket?: { destroyed: boolean; writable: boolean; write(b: Uint8Array): void } })._socket;
    if (socket && !socket.destroyed && socket.writable) socket.write(bytes);
  }

  private wake(): void {
    const ws = this.waiters;
    this.waiters = [];
    for (const w of ws) w();
  }
}

/** What is wrong with a server message, or undefined: a snapshot, a stock update, or an error in the HTTP envelope. */
function messageProblem(m: unknown): string | undefined {
  if (typeof m !== 'object' || m === null) return 'not an object';
  const msg = m as Message;
  switch (msg.type) {
    case 'snapshot':
      if (msg.channel === 'alerts') return Array.isArray(msg.items) ? undefined : 'a malformed alerts snapshot';
      return typeof msg.pool === 'string' && Array.isArray(msg.items) && (msg.items as Message[]).every((i) => typeof i.sku === 'string' && typeof i.ats === 'number' && typeof i.seq === 'number')
        ? undefined
        : 'a malformed snapshot';
    case 'alert':
      return typeof msg.alert === 'object' && msg.alert !== null && typeof msg.seq === 'number' ? undefined : 'a malformed alert';
    case 'stock':
      return typeof msg.pool === 'string' && typeof msg.sku === 'string' && typeof msg.ats === 'number' && typeof msg.seq === 'number' ? undefined : 'a malformed stock update';
    case 'error': {
      const e = msg.error as Message | undefined;
      if (e?.type === 'internal') return 'internal error frame';
      if (typeof e?.type !== 'string' || !(e.type in ERROR_STATUS) || typeof e.message !== 'string' || !Array.isArray(e.details)) return 'an error frame without the envelope';
      return undefined;
    }
    default:
      return `unknown message type ${JSON.stringify(msg.type)}`;
  }
}

/** The long-lived subscriber of (default, A) that every other client's garbage must not disturb. */
class Watcher {
  readonly messages: Message[] = [];
  closed = false;
  closeCode: number | undefined;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data: Buffer) => {
      const m = JSON.parse(data.toString('utf8')) as Message | Message[];
      this.messages.push(...(Array.isArray(m) ? m : [m]));
      if (this.messages.length > 100) this.messages.splice(0, 50);
    });
    ws.on('error', () => undefined);
    ws.once('close', (code) => {
      this.closed = true;
      this.closeCode = code;
    });
  }

  static async open(url: string): Promise<Watcher> {
    const ws = new WebSocket(`${url}/ws`, { headers: { authorization: `Bearer ${KEYS.admin}` } });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    const watcher = new Watcher(ws);
    ws.send(JSON.stringify({ op: 'subscribe', pool: 'default', skus: ['A'], id: 'watch' }));
    if (!(await watcher.waitFor((m) => m.type === 'snapshot' && m.id === 'watch', 5_000))) throw new Error('the watcher got no snapshot');
    return watcher;
  }

  async waitFor(match: (m: Message) => boolean, timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline && !this.closed) {
      const i = this.messages.findIndex(match);
      if (i >= 0) {
        this.messages.splice(0, i + 1);
        return true;
      }
      await new Promise((r) => setTimeout(r, 2));
    }
    return false;
  }
}
