import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from '../lib/args.js';
import { fulcrumApi, orderBody, seedNetwork, SITES } from '../lib/fulcrum-api.js';
import { request, startProcess, stop, treeCpuMicros, type BenchProcess } from '../lib/processes.js';
import type { FromBenchServer } from '../feed/protocol.js';
import { fixed, writeResult } from '../lib/report.js';
import type { StormOrder, StormTiming } from './storm-client.js';

/**
 * A connection storm: N connections opened at once (from several client processes started at the same
 * moment), each sending one request as soon as it is connected; per connection, the time from its connect
 * call to the first byte of its reply. Against a bare node:http server (the floor any Node server pays per
 * new connection on this machine) and Fulcrum, alternating, same clients, same run.
 * Usage: node dist/bench/connection-storm/run.js [--connections 2000] [--clients 2] [--rounds 3] [--smoke]
 */
const args = parseArgs(process.argv.slice(2));
const SMOKE = args.smoke === true;
const CONNECTIONS = SMOKE ? 200 : Number(args.connections ?? 2000);
const CLIENTS = Number(args.clients ?? 2);
const ROUNDS = SMOKE ? 1 : Number(args.rounds ?? 3);
const ADMIN = 'storm-admin-key-0001';
const STOREFRONT = 'storm-storefront-key-0001';
const GOAL_MS = 200;

type Kind = 'bare GET' | 'GET /health/ready' | 'GET /availability' | 'POST /orders';

interface Row {
  round: number;
  kind: Kind;
  timings: StormTiming[];
  serverCpuMs: number;
  /** Fulcrum's event-loop delay over the storm (none for the bare server, which has no probe). */
  loop?: { p99: number; max: number };
}

type Loop = Extract<FromBenchServer, { t: 'loop' }>;

function requestFor(kind: Kind, i: number, round: number): string {
  const auth = `Authorization: Bearer ${STOREFRONT}\r\n`;
  if (kind === 'bare GET') return 'GET /availability?sku=STORM-1 HTTP/1.1\r\nHost: storm\r\n\r\n';
  if (kind === 'GET /health/ready') return 'GET /health/ready HTTP/1.1\r\nHost: storm\r\n\r\n';
  if (kind === 'GET /availability') return `GET /availability?sku=STORM-1 HTTP/1.1\r\nHost: storm\r\n${auth}\r\n`;
  const body = orderBody(`storm-${round}-${i}`, [{ sku: 'STORM-1', qty: 1 }]);
  return `POST /orders HTTP/1.1\r\nHost: storm\r\n${auth}Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
}

/** One storm: the client processes start together and report every connection's timing. */
async function storm(server: BenchProcess, kind: Kind, round: number): Promise<Row> {
  const port = Number(new URL(server.url).port);
  const at = Date.now() + 500;
  const per = Math.ceil(CONNECTIONS / CLIENTS);
  const probed = server.url !== bareUrl;
  if (probed) server.child.send({ t: 'loop-reset' });
  const cpuBefore = treeCpuMicros(server.child.pid!);
  const clients: ChildProcess[] = [];
  const parts = await Promise.all(
    Array.from({ length: CLIENTS }, (_, c) => {
      const n = Math.min(per, CONNECTIONS - c * per);
      const child = fork(fileURLToPath(new URL('./storm-client.js', import.meta.url)), [], { execArgv: [] });
      clients.push(child);
      const order: StormOrder = { t: 'go', port, connections: n, at, requests: Array.from({ length: n }, (_, i) => requestFor(kind, c * per + i, round)) };
      child.send(order);
      return new Promise<StormTiming[]>((resolve) => child.once('message', (m: { timings: StormTiming[] }) => resolve(m.timings)));
    }),
  );
  const serverCpuMs = (treeCpuMicros(server.child.pid!) - cpuBefore) / 1000;
  const loop = probed ? await request<Loop>(server.child, { t: 'loop-read' }, 'loop') : undefined;
  await Promise.all(clients.map((c) => (c.exitCode === null ? new Promise((resolve) => c.once('exit', resolve)) : undefined)));
  return { round, kind, timings: parts.flat(), serverCpuMs, ...(loop ? { loop: { p99: loop.p99, max: loop.max } } : {}) };
}

function quantile(values: number[], q: number): number {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  return sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

function line(r: Row): string {
  const first = r.timings.map((t) => t.firstReply);
  const connected = r.timings.map((t) => t.connected);
  const statuses = new Map<number, number>();
  for (const t of r.timings) statuses.set(t.status, (statuses.get(t.status) ?? 0) + 1);
  const status = [...statuses].map(([s, n]) => `${s === 0 ? 'error' : s}: ${n}`).join(', ');
  return `| ${r.round} | ${r.kind} | ${r.timings.length} | ${status} | ${fixed(quantile(connected, 0.5), 0)} / ${fixed(quantile(connected, 0.99), 0)} | ${fixed(quantile(first, 0.5), 0)} / ${fixed(quantile(first, 0.99), 0)} / ${fixed(Math.max(...first.filter(Number.isFinite)), 0)} | ${fixed(r.serverCpuMs, 0)} | ${fixed((r.serverCpuMs * 1000) / r.timings.length, 0)} | ${r.loop ? `${fixed(r.loop.p99, 0)} / ${fixed(r.loop.max, 0)}` : '-'} |`;
}

const dataDir = mkdtempSync(join(tmpdir(), 'fulcrum-storm-'));
const bare = await startProcess(fileURLToPath(new URL('./bare-server.js', import.meta.url)), []);
const fulcrum = await startProcess(fileURLToPath(new URL('../feed/fulcrum-server.js', import.meta.url)), ['--data-dir', dataDir, '--port', '0'], {
  env: { FULCRUM_API_KEYS: `${ADMIN}:admin,${STOREFRONT}:storefront`, FULCRUM_RATE_LIMITS: 'storefront:0' },
});
const bareUrl = bare.url;
const rows: Row[] = [];
try {
  await seedNetwork(fulcrumApi(fulcrum.url, ADMIN), ['STORM-1'], SITES.map(([location]) => ({ location, sku: 'STORM-1', onHand: 10_000_000 })));
  // A warm-up storm per kind, so that every row measures compiled code.
  for (const kind of ['bare GET', 'GET /health/ready', 'GET /availability', 'POST /orders'] as const) await storm(kind === 'bare GET' ? bare : fulcrum, kind, 0);
  for (let round = 1; round <= ROUNDS; round++) {
    for (const kind of ['bare GET', 'GET /health/ready', 'GET /availability', 'POST /orders'] as const) {
      rows.push(await storm(kind === 'bare GET' ? bare : fulcrum, kind, round));
    }
  }
} finally {
  await stop(fulcrum);
  await stop(bare);
  rmSync(dataDir, { recursive: true, force: true });
}

const p99 = (kind: Kind) => quantile(rows.filter((r) => r.kind === kind).map((r) => quantile(r.timings.map((t) => t.firstReply), 0.99)), 0.5);
const body = `
${CONNECTIONS} connections opened at once from ${CLIENTS} client processes (started at the same wall-clock moment), each sending one request as soon as it is connected and closing after the first byte of the reply; ${ROUNDS} rounds after a warm-up storm per kind, rows alternating. Times per connection, from its own \`connect\` call. Servers: a bare node:http server (backlog 4096, a fixed JSON reply: the floor any Node server pays per new connection here) and Fulcrum as \`main.ts\` starts it (defaults, 1 feed process, no rate limit), each in its own process; clients and servers share the machine's cores. Server CPU: user + system of the server process and its children over the storm, from /proc.

| round | request | connections | statuses | connected p50 / p99 ms | first reply p50 / p99 / max ms | server CPU ms | server CPU µs per connection | event-loop delay p99 / max ms |
|---|---|---|---|---|---|---|---|---|
${rows.map(line).join('\n')}

Median over rounds of the first reply's p99: bare ${fixed(p99('bare GET'), 0)} ms; Fulcrum \`GET /health/ready\` ${fixed(p99('GET /health/ready'), 0)} ms, \`GET /availability\` ${fixed(p99('GET /availability'), 0)} ms, \`POST /orders\` ${fixed(p99('POST /orders'), 0)} ms. Goal: under ${GOAL_MS} ms: ${(['GET /health/ready', 'GET /availability', 'POST /orders'] as const).map((k) => `${k} ${p99(k) < GOAL_MS ? 'met' : 'not met'}`).join(', ')}.
`;
console.log(writeResult('connection-storm', `npm run bench:connection-storm${SMOKE ? ' -- --smoke' : ''}`, body, SMOKE));
