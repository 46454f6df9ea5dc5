import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KEYS, orderBody, seedHttp, shipOrderHttp, startTestServer, type TestServer } from '../helpers/server.js';
import { send } from './http-request.js';
import type { Fuzzed } from './json-text.js';

/** What a path parameter names; the fuzzer picks real ids of the kind, new valid ones, or garbage. */
export type IdKind =
  | 'location' | 'sku' | 'pool' | 'status' | 'order' | 'fulfilment' | 'return' | 'transfer' | 'hold' | 'alert' | 'job'
  | 'webhook' | 'dead' | 'limit' | 'returnPolicy' | 'profile' | 'wfEntity' | 'wfName' | 'version' | 'inbound' | 'supplyRule' | 'backup' | 'role';

/** The fixture supply rule: B may be backordered against inbound. */
const SUPPLY_RULE = { skus: ['B'], mode: 'backorder', cap: 1_000_000, description: 'fuzz fixture' };
let inbounds = 0;

/** The fixture return policy: every channel and product, 30 days, two reasons. */
const RETURN_POLICY = { windowDays: 30, reasons: ['fuzz', 'damaged'], description: 'fuzz fixture' };

/** The server under fuzzing, the fixtures it holds, and the documents valid bodies are made from. */
export interface World {
  t: TestServer;
  port: number;
  maxBodyBytes: number;
  /** Ids that exist, newest last (a cancelled order stays known: it is still there to be refused). */
  known: Record<IdKind, string[]>;
  /** Valid ids of things that need not exist: a PUT with one creates something, but only a few kinds of it. */
  fresh: Record<IdKind, string[]>;
  /** The active sourcing profile's document and the built-in workflows' definitions, as served. */
  profileDoc: Fuzzed;
  workflowDocs: Array<{ entity: string; name: string; definition: Fuzzed }>;
  /** Where accepted backups go (outside the data dir, removed with the server), and how many were asked for. */
  backupRoot: string;
  backups: number;
  /** Fatal engine errors reported while fuzzing. */
  fatal: Error[];
  /** Answers with a 5xx status the server counted (`/metrics`), as of the last digest: some never reach a client. */
  served5xx: number;
}

/** The largest request body of the fuzzed server: small, so that oversized bodies cost little to send. */
export const MAX_BODY_BYTES = 64 * 1024;
const MAX_BATCH_BYTES = 256 * 1024;
/**
 * Fixtures of each kind the state digest reads. Every change to stock or an entity is a journal fact, which
 * the digest sees through the journal sequence; a few reads say what changed. Configuration is not
 * journaled: all of it is read.
 */
const DIGEST_PER_KIND = 1;

const LOCATIONS: Record<string, Fuzzed> = {
  BER: { name: 'Berlin', type: 'warehouse', geo: { lat: 52.52, lon: 13.405 }, country: 'DE', capabilities: ['fragile-packing'], tags: ['north'], status: 'active' },
  MUC: { name: 'Munich', type: 'store', geo: { lat: 48.14, lon: 11.58 }, country: 'DE', capabilities: [], tags: ['south'], status: 'active' },
};
const POOLS: Record<string, Fuzzed> = {
  default: { name: 'All active locations', locations: 'all' },
  web: { name: 'Web', channel: 'web', locations: ['BER', 'MUC'], buffer: { units: 2 } },
};
const STOCK = 100_000;
const POSITIONS: Array<[string, string]> = [['BER', 'A'], ['BER', 'B'], ['MUC', 'A'], ['MUC', 'B']];

/** Starts a server with a small network and one fixture of every kind the API has. */
export async function createWorld(): Promise<World> {
  const fatal: Error[] = [];
  const t = await startTestServer({
    server: {
      maxBodyBytes: MAX_BODY_BYTES,
      maxBatchBytes: MAX_BATCH_BYTES,
      // A fatal error must not throw inside the request that caused it: the fuzzer reports it.
      onFatal: (e) => fatal.push(e),
      webhookTimeoutMs: 500,
      feedProcesses: 0,
    },
  });
  await seedHttp(t, { locations: {}, skus: ['A', 'B', 'LIM'], stock: [] });
  const backupRoot = mkdtempSync(join(tmpdir(), 'fulcrum-fuzz-backups-'));
  const stop = t.stop.bind(t);
  t.stop = async () => {
    await stop();
    rmSync(backupRoot, { recursive: true, force: true });
  };
  const world: World = {
    t,
    port: t.server.port,
    maxBodyBytes: MAX_BODY_BYTES,
    known: {
      location: Object.keys(LOCATIONS), sku: ['A', 'B', 'LIM'], pool: Object.keys(POOLS), status: ['sellable', 'damaged', 'fz_held'],
      order: [], fulfilment: [], return: [], transfer: [], hold: [], alert: [], job: [], webhook: ['wh-1'], dead: [],
      limit: ['pl-1'], returnPolicy: ['rp-1'], profile: ['default'], wfEntity: ['order', 'fulfilment', 'return', 'transfer'],
      wfName: ['home-delivery', 'click-collect', 'standard'], version: ['1', '2'], inbound: [], supplyRule: ['sr-1'], backup: [], role: ['admin', 'ops', 'storefront'],
    },
    fresh: {
      location: ['FZ-LOC'], sku: ['FZ-SKU'], pool: ['fz-pool'], status: ['fz_new'], order: ['ord_0000000000000'], fulfilment: ['ord_0000000000000-1'],
      return: ['ret_0000000000000'], transfer: ['trf_0000000000000'], hold: ['hld_0000000000000'], alert: ['alr_0000000000000'], job: ['job_0000000000000'],
      webhook: ['fz-hook'], dead: ['dl_0000000000000'], limit: ['fz-limit'], returnPolicy: ['fz-policy'], profile: ['fz-profile'], wfEntity: ['order'], wfName: ['fz-flow'], version: ['3', '99'],
      inbound: ['fz-inbound'], supplyRule: ['fz-rule'], backup: ['bkp_0000000000000'], role: ['auditor'],
    },
    backupRoot,
    backups: 0,
    profileDoc: null,
    workflowDocs: [],
    fatal,
    served5xx: 0,
  };
  await must(t.call('PUT', '/statuses/fz_held', { countsTowardAvailability: false, description: 'set aside by the fuzzer' }));
  await must(t.call('PUT', '/purchase-limits/pl-1', { skus: ['LIM'], perCustomer: 2, description: 'fuzz fixture' }));
  await must(t.call('PUT', '/return-policies/rp-1', RETURN_POLICY));
  await must(t.call('PUT', '/supply-rules/sr-1', SUPPLY_RULE));
  const profile = await must(t.call('GET', '/sourcing-profiles/default'));
  world.profileDoc = profile.body.versions[profile.body.versions.length - 1].document;
  for (const wf of (await must(t.call('GET', '/workflows'))).body.items as Array<{ entity: string; name: string }>) {
    const full = await must(t.call('GET', `/workflows/${wf.entity}/${wf.name}`));
    world.workflowDocs.push({ entity: wf.entity, name: wf.name, definition: full.body.versions[0].definition });
  }
  await refresh(world);
  // A bulk load over the body limit runs as a job: one real job id for GET /jobs/:id.
  const rows = Array.from({ length: 1500 }, () => JSON.stringify({ location: 'BER', sku: 'A', onHand: STOCK })).join('\n');
  const job = await must(t.call('POST', '/inventory/batch', rows, { headers: { 'content-type': 'application/x-ndjson' } }));
  world.known.job.push(job.body.job.id);
  // One finished backup for GET /ops/backups/:id.
  const backup = await must(t.call('POST', '/ops/backups', { to: join(backupRoot, 'b0') }));
  for (let i = 0; i < 200 && (await t.call('GET', `/ops/backups/${backup.body.id}`)).body.status === 'running'; i++) await new Promise((r) => setTimeout(r, 20));
  world.known.backup.push(backup.body.id);
  await settle(world);
  return world;
}

/**
 * Puts back what valid fuzzed requests may have changed (stock, locations, pools, active versions) and adds
 * fresh fixtures: an order awaiting payment, one being fulfilled with its fulfilment, a return, a transfer
 * and a hold. Run before each route, so that every route meets live entities to be refused on.
 */
export async function refresh(w: World): Promise<void> {
  const { t } = w;
  for (const [id, body] of Object.entries(LOCATIONS)) await must(t.call('PUT', `/locations/${id}`, body));
  for (const sku of ['A', 'B', 'LIM']) await must(t.call('PUT', `/products/${sku}`, { name: sku, attributes: { weightKg: 1 } }));
  for (const [id, body] of Object.entries(POOLS)) await must(t.call('PUT', `/pools/${id}`, body));
  for (const [loc, sku] of POSITIONS) await must(t.call('PUT', `/inventory/${loc}/${sku}`, { onHand: STOCK }));
  for (const wf of w.workflowDocs) await t.call('POST', `/workflows/${wf.entity}/${wf.name}/versions/1/activate`);
  await t.call('POST', '/sourcing-profiles/default/versions/1/activate');
  await must(t.call('PUT', '/return-policies/rp-1', RETURN_POLICY));
  await must(t.call('PUT', '/webhooks/wh-1', { url: 'http://127.0.0.1:9/fuzz', events: ['fuzz.never'], secret: 'fuzz-secret-0123456789', enabled: false }));

  const waiting = await must(t.call('POST', '/orders', orderBody('A', 1)));
  const fulfilling = await must(t.call('POST', '/orders', orderBody('B', 2)));
  const paid = await must(t.call('POST', `/orders/${fulfilling.body.id}/events`, { type: 'payment.authorized' }));
  const delivered = await must(t.call('POST', '/orders', orderBody('B', 1)));
  await shipOrderHttp(t.call.bind(t), delivered.body.id);
  const ret = await must(t.call('POST', '/returns', { orderId: delivered.body.id, lines: [{ sku: 'B', qty: 1 }], reason: 'fuzz' }));
  const transfer = await must(t.call('POST', '/transfers', { from: 'BER', to: 'MUC', lines: [{ sku: 'A', qty: 1 }] }));
  const hold = await must(t.call('POST', '/holds', { lines: [{ sku: 'A', qty: 1 }], ttlSeconds: 86_400 }));
  await must(t.call('PUT', '/supply-rules/sr-1', SUPPLY_RULE));
  const inbound = `in-${++inbounds}`;
  await must(t.call('PUT', `/inbound/${inbound}`, { location: 'MUC', lines: [{ sku: 'B', qty: 50 }], expectedAt: '2099-01-01T00:00:00Z', kind: 'asn' }));
  w.known.inbound.push(inbound);
  w.known.order.push(waiting.body.id, fulfilling.body.id, delivered.body.id);
  w.known.fulfilment.push(...(paid.body.fulfilments as Array<{ id: string }>).map((f) => f.id));
  w.known.return.push(ret.body.id);
  w.known.transfer.push(transfer.body.id);
  w.known.hold.push(hold.body.id);
  const alerts = await must(t.call('GET', '/alerts'));
  for (const a of alerts.body.items as Array<{ id: string }>) if (!w.known.alert.includes(a.id)) w.known.alert.push(a.id);
}

/** Everything a refused request must leave as it was, read over HTTP: one text per read. */
export type Digest = Map<string, string>;

/** The reads that make up the digest. */
function digestReads(w: World): string[] {
  const recent = (kind: IdKind, prefix: string) => w.known[kind].slice(-DIGEST_PER_KIND).map((id) => `${prefix}/${id}`);
  return [
    '/metrics', '/locations', '/pools', '/statuses', '/workflows', '/sourcing-profiles', '/purchase-limits', '/return-policies', '/supply-rules', '/webhooks', '/webhooks/dead',
    '/alerts?limit=500', '/jobs?limit=100', '/orders?limit=20', '/returns', '/ui/layouts/admin', '/ui/layouts/ops',
    '/availability?pool=default&sku=A&sku=B&sku=LIM&locations=true', '/availability?pool=web&sku=A&sku=B&locations=true',
    ...[...w.known.sku, ...w.fresh.sku].map((s) => `/products/${s}`),
    '/inventory/BER/A', '/inventory/MUC/B', ...recent('order', '/orders'), ...recent('hold', '/holds'), ...recent('inbound', '/inbound'),
  ];
}

/**
 * Reads the digest: the journal sequence from /metrics, and every read above with its status. One after
 * another on one kept-alive connection: measured 1.8 ms for the lot, against 3-4 ms in parallel or with fetch.
 */
export async function digest(w: World): Promise<Digest> {
  const out: Digest = new Map();
  const headers = { authorization: `Bearer ${KEYS.admin}` };
  for (const path of digestReads(w)) {
    const r = await send(w.port, { method: 'GET', target: path, headers });
    if (path === '/metrics') {
      w.served5xx = count5xx(r.text);
      out.set('journal seq (/metrics)', /^fulcrum_journal_next_seq (\d+)$/m.exec(r.text)?.[1] ?? 'missing');
    } else {
      out.set(path, `${r.status} ${r.text}`);
    }
  }
  return out;
}

/** The reads whose answers differ, with both answers shortened. */
export function changes(before: Digest, after: Digest): string[] {
  const out: string[] = [];
  for (const [k, v] of after) {
    const was = before.get(k);
    if (was !== undefined && was !== v) out.push(`${k}: ${around(was, v)}`);
  }
  return out;
}

/** Waits until the state stops moving after an accepted request (a bulk job finishing); returns the digest. */
export async function settle(w: World, maxMs = 5_000): Promise<Digest> {
  const until = Date.now() + maxMs;
  let last = await digest(w);
  for (;;) {
    const next = await digest(w);
    // A bulk job accepted with 202 goes on after its reply: settled means none is running any more.
    const running = [...next.values()].some((v) => v.includes('"status":"running"'));
    if ((changes(last, next).length === 0 && !running) || Date.now() > until) return next;
    last = next;
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Requests the server answered with a 5xx since start, by its own count. */
function count5xx(metrics: string): number {
  let n = 0;
  for (const m of metrics.matchAll(/^fulcrum_http_requests_total\{[^}]*status="5\d\d"[^}]*\} (\d+)$/gm)) n += Number(m[1]);
  return n;
}

async function must<T extends { status: number; body: any }>(p: Promise<T>): Promise<T> {
  const r = await p;
  if (r.status >= 300) throw new Error(`fuzz fixture: ${r.status} ${JSON.stringify(r.body).slice(0, 300)}`);
  return r;
}

/** Both answers around their first difference, so that a report shows what changed, not a common prefix. */
function around(a: string, b: string): string {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  const from = Math.max(0, i - 60);
  const cut = (s: string) => `${from > 0 ? '...' : ''}${s.slice(from, i + 160)}${s.length > i + 160 ? '...' : ''}`;
  return `${cut(a)} -> ${cut(b)}`;
}
