import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

/**
 * `npm run cluster` as the README's tour uses it: orders through any node, the leader killed with `kill -9`,
 * another node takes over with every order, and Ctrl-C then stops everything it started (it once waited
 * forever for the node the user had killed).
 */
const CLI = fileURLToPath(new URL('../../src/cli/cluster.js', import.meta.url));
const KEY = 'cluster-demo-admin-key';
const ORDER = { customer: { id: 'c1' }, lines: [{ sku: 'SKU-0002', qty: 1 }], deliverTo: { lat: 52.5, lon: 13.4, country: 'DE' } };

interface Ready {
  cluster?: { role?: string; leader?: string; appliedSeq?: number };
}

async function until<T>(what: string, ms: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

test('npm run cluster: a killed leader is replaced with every order, and Ctrl-C then stops every process it started', async () => {
  const env = { ...process.env };
  delete env.FULCRUM_API_KEYS;
  const cli = spawn(process.execPath, [CLI], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  cli.stdout.on('data', (d: Buffer) => (out += d.toString()));
  cli.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const cliExit = new Promise<number | null>((r) => cli.once('exit', (code) => r(code)));
  let natsPids: number[] = [];
  let dataDir: string | undefined;
  try {
    const nodes = await until('the node list', 60_000, async () => {
      const found = [...out.matchAll(/(node-\d)\s+(http:\/\/127\.0\.0\.1:\d+)\s+pid (\d+)/g)].map((m) => ({ id: m[1]!, url: m[2]!, pid: Number(m[3]) }));
      return found.length === 3 ? found : undefined;
    });
    dataDir = /Data under (\S+)\./.exec(out)![1]!;
    natsPids = natsServersUnder(dataDir);
    assert.is(natsPids.length, 3, `three nats-server processes under ${dataDir}`);
    const headers = { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' };
    const ready = async (url: string) => (await (await fetch(`${url}/health/ready`)).json()) as Ready;
    // Every node up, agreeing on a leader, and holding the demo network (the leader loads it, the others apply it).
    const leaderId = await until('a leader and the demo network on every node', 60_000, async () => {
      const seen = await Promise.all(
        nodes.map(async (n) => {
          const r = await fetch(`${n.url}/availability?sku=SKU-0002`, { headers });
          return r.status === 200 ? (await ready(n.url)).cluster?.leader : undefined;
        }),
      );
      return seen.every((l) => l !== undefined && l === seen[0]) ? seen[0] : undefined;
    });
    const leader = nodes.find((n) => n.id === leaderId)!;
    const follower = nodes.find((n) => n.id !== leaderId)!;
    const ids: string[] = [];
    for (let i = 0; i < 10; i++) {
      // Through a follower: it forwards the write to the leader.
      const r = await fetch(`${follower.url}/orders`, { method: 'POST', headers: { ...headers, 'idempotency-key': `tour-${i}` }, body: JSON.stringify(ORDER) });
      assert.is(r.status, 201, await r.clone().text());
      ids.push(((await r.json()) as { id: string }).id);
    }
    process.kill(leader.pid, 'SIGKILL');
    const survivors = nodes.filter((n) => n !== leader);
    const newLeader = await until('another node to lead', 20_000, async () => {
      const roles = await Promise.all(survivors.map(async (n) => ((await ready(n.url)).cluster?.role === 'leader' ? n : undefined)));
      return roles.find((n) => n !== undefined);
    });
    assert.is.not(newLeader.id, leader.id);
    for (const n of survivors) {
      for (const id of ids) {
        const r = await until(`order ${id} on ${n.id}`, 10_000, async () => {
          const res = await fetch(`${n.url}/orders/${id}`, { headers });
          return res.status === 200 ? res : undefined;
        });
        assert.is(r.status, 200);
      }
    }
    const after = await fetch(`${survivors[0]!.url}/orders`, { method: 'POST', headers, body: JSON.stringify(ORDER) });
    assert.is(after.status, 201, await after.text());

    cli.kill('SIGINT');
    const code = await Promise.race([cliExit, new Promise<'hung'>((r) => setTimeout(() => r('hung'), 20_000))]);
    assert.is(code, 0, `Ctrl-C: the CLI exits (it ${code === 'hung' ? 'hung' : `exited ${code}`})\n${out.slice(-2000)}`);
    for (const n of survivors) assert.not.ok(alive(n.pid), `${n.id} stopped`);
    for (const pid of natsPids) assert.not.ok(alive(pid), `nats-server ${pid} stopped`);
  } finally {
    if (cli.exitCode === null && cli.signalCode === null) cli.kill('SIGKILL');
    for (const m of out.matchAll(/pid (\d+)/g)) if (alive(Number(m[1]))) process.kill(Number(m[1]), 'SIGKILL');
    for (const pid of natsPids) if (alive(pid)) process.kill(pid, 'SIGKILL');
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  }
});

/** The nats-server processes whose configuration lies under the CLI's data directory. */
function natsServersUnder(dir: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let cmd = '';
    try {
      cmd = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
    } catch {
      continue;
    }
    if (cmd.includes('nats-server') && cmd.includes(dir)) pids.push(Number(entry));
  }
  return pids;
}

test.run();
