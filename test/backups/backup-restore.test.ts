import { copyFileSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { startChildServer, type ChildServer } from '../helpers/child-server.js';
import { BACKUP_KEY, call, checkRestored, countBackupViolations, must, OrderLoad, orderSeqs, quantile, runCli, type OrderSeqs } from '../helpers/backup-world.js';
import { tempDataDir } from '../helpers/tmp.js';

/**
 * Backups taken while orders flow over HTTP: one with `npm run backup` (the CLI against the running server),
 * one with `POST /ops/backups`. Each is restored elsewhere and a node started on it must hold exactly the
 * state up to the backup's journal sequence: every order acknowledged up to it, none after, stock conserved.
 */
interface Ctx {
  root: string;
  cleanup: () => void;
  load: OrderLoad;
  /** Journal sequences of every order, read from the source's store once it stopped. */
  seqs: Map<string, OrderSeqs>;
  /** When each backup was asked for and when it was done (performance.now), and the sequence it covers. */
  first: { dir: string; askedAt: number; doneAt: number; seq: number };
  second: { dir: string; askedAt: number; doneAt: number; seq: number };
  /** `npm run backup -- --data-dir` on the stopped source. */
  offline: { dir: string; seq: number };
  servers: ChildServer[];
}

const ENV = { FULCRUM_API_KEYS: `${BACKUP_KEY}:admin`, FULCRUM_SNAPSHOT_INTERVAL_MS: '100' };
const t = suite<Ctx>('backups taken while orders flow restore to exactly the state at their journal sequence');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

t.before(async (ctx) => {
  const { dir, cleanup } = tempDataDir('fulcrum-backup-test-');
  ctx.root = dir;
  ctx.cleanup = cleanup;
  ctx.servers = [];
  const source = await startChildServer(join(dir, 'source'), ENV);
  ctx.servers.push(source);
  ctx.load = new OrderLoad(source, 16);
  await ctx.load.seed();
  ctx.load.start(16);
  await sleep(1500);
  // The first backup through the CLI, as an operator takes it.
  const firstDir = join(dir, 'backup-1');
  const firstAsked = performance.now();
  const cli = await runCli('backup', ['--to', firstDir, '--url', source.url, '--key', BACKUP_KEY]);
  const firstDone = performance.now();
  assert.is(cli.code, 0, cli.output);
  await sleep(1000);
  // The second through the API, followed as a job.
  const secondDir = join(dir, 'backup-2');
  const secondAsked = performance.now();
  const started = await must(call(source, 'POST', '/ops/backups', { to: secondDir }));
  let job = started.body;
  while (job.status === 'running') {
    await sleep(10);
    job = (await must(call(source, 'GET', `/ops/backups/${job.id}`))).body;
  }
  const secondDone = performance.now();
  assert.is(job.status, 'done', JSON.stringify(job));
  await sleep(1000);
  await ctx.load.stop();
  assert.is(await source.stop(), 0, source.output());
  ctx.seqs = await orderSeqs(join(dir, 'source'));
  const offlineDir = join(dir, 'backup-offline');
  const offline = await runCli('backup', ['--to', offlineDir, '--data-dir', join(dir, 'source')]);
  assert.is(offline.code, 0, offline.output);
  const manifest = (d: string) => JSON.parse(readFileSync(join(d, 'manifest.json'), 'utf8'));
  ctx.first = { dir: firstDir, askedAt: firstAsked, doneAt: firstDone, seq: manifest(firstDir).journalSeq };
  ctx.second = { dir: secondDir, askedAt: secondAsked, doneAt: secondDone, seq: job.journalSeq };
  ctx.offline = { dir: offlineDir, seq: manifest(offlineDir).journalSeq };
  assert.is(manifest(secondDir).journalSeq, job.journalSeq, 'the job reports the sequence its manifest records');
  const during = ctx.load.latencies.filter((l) => l.sentAt >= secondAsked && l.sentAt <= secondDone).map((l) => l.ms);
  const outside = ctx.load.latencies.filter((l) => l.sentAt < firstAsked || (l.sentAt > firstDone && l.sentAt < secondAsked) || l.sentAt > secondDone).map((l) => l.ms);
  console.log(
    `backups under load: ${ctx.load.acked.size} orders acknowledged, ${ctx.load.rejected} refused, ${ctx.load.unknown} unknown; ` +
      `backup 1 at seq ${ctx.first.seq}, backup 2 at seq ${ctx.second.seq} (${job.bytes} bytes in ${job.durationMs} ms); ` +
      `intake p99 ${quantile(outside, 0.99).toFixed(1)} ms without a backup (${outside.length}), ${quantile(during, 0.99).toFixed(1)} ms during one (${during.length})`,
  );
});

t.after(async (ctx) => {
  for (const s of ctx.servers) if (s.process.exitCode === null) await s.kill9();
  ctx.cleanup();
});

t('each backup covers every order acknowledged before it was asked for, and orders kept flowing meanwhile', (ctx) => {
  for (const b of [ctx.first, ctx.second]) {
    const before = [...ctx.load.acked.values()].filter((o) => o.ackedAt < b.askedAt);
    const late = before.filter((o) => ctx.seqs.get(o.id)!.created > b.seq);
    assert.ok(before.length > 20, `enough orders before the backup to mean something (${before.length})`);
    assert.equal(late, [], 'acknowledged before the backup was asked for, yet past its sequence');
    const after = [...ctx.load.acked.values()].filter((o) => ctx.seqs.get(o.id)!.created > b.seq);
    assert.ok(after.length > 20, `orders were acknowledged past the backup's sequence: it was taken mid-load (${after.length})`);
  }
  assert.ok(ctx.second.seq > ctx.first.seq);
});

t('npm run restore verifies the API backup; a node started on it holds exactly the state at its sequence and takes orders', async (ctx) => {
  const data = join(ctx.root, 'restored-2');
  const restored = await runCli('restore', ['--from', ctx.second.dir, '--data', data]);
  assert.is(restored.code, 0, restored.output);
  assert.match(restored.output, `journal sequence ${ctx.second.seq}`);
  assert.equal(readdirSync(ctx.second.dir).sort(), ['fulcrum.lmdb', 'manifest.json'], 'a restore only reads the backup');
  const node = await startChildServer(data, ENV);
  ctx.servers.push(node);
  const v = await checkRestored(node, ctx.second.seq, ctx.load.acked, ctx.seqs);
  assert.is(countBackupViolations(v), 0, JSON.stringify(v, null, 1));
  const placed = await call(node, 'POST', '/orders', { customer: { id: 'after-restore' }, deliverTo: { lat: 51, lon: 10, country: 'DE' }, lines: [{ sku: 'A', qty: 1 }] });
  assert.ok(placed?.status === 201 || placed?.status === 409, `the restored node takes orders (${placed?.status})`);
  await node.stop();
});

t('npm start --restore-from restores the CLI backup and starts on it at its sequence', async (ctx) => {
  const node = await startChildServer(join(ctx.root, 'restored-1'), ENV, ['--restore-from', ctx.first.dir]);
  ctx.servers.push(node);
  assert.match(node.output(), `journal sequence ${ctx.first.seq}`);
  const v = await checkRestored(node, ctx.first.seq, ctx.load.acked, ctx.seqs);
  assert.is(countBackupViolations(v), 0, JSON.stringify(v, null, 1));
  // Negative control: the same node checked against the later backup's sequence must be caught missing
  // the orders acknowledged in between, so the check above can fail.
  const wrong = await checkRestored(node, ctx.second.seq, ctx.load.acked, ctx.seqs);
  assert.ok(wrong.lostOrders.length > 0, `a backup missing acknowledged orders is caught (${JSON.stringify(wrong).slice(0, 300)})`);
  await node.stop();
});

t('a backup of the stopped data dir (npm run backup --data-dir) holds every order acknowledged', async (ctx) => {
  assert.ok(ctx.offline.seq > ctx.second.seq);
  const node = await startChildServer(join(ctx.root, 'restored-offline'), ENV, ['--restore-from', ctx.offline.dir]);
  ctx.servers.push(node);
  const v = await checkRestored(node, ctx.offline.seq, ctx.load.acked, ctx.seqs);
  assert.is(countBackupViolations(v), 0, JSON.stringify(v, null, 1));
  assert.ok([...ctx.load.acked.values()].every((o) => ctx.seqs.get(o.id)!.created <= ctx.offline.seq), 'every acknowledged order is at or before its sequence');
  await node.stop();
});

t('negative controls: restore refuses a backup without its manifest, with a damaged store, or whose store is not what its manifest claims', async (ctx) => {
  const refused = async (name: string, damage: (dir: string) => void, expected: RegExp) => {
    const dir = join(ctx.root, `broken-${name}`);
    cpSync(ctx.first.dir, dir, { recursive: true });
    damage(dir);
    const data = join(ctx.root, `refused-${name}`);
    const r = await runCli('restore', ['--from', dir, '--data', data]);
    assert.is(r.code, 1, `${name}: ${r.output}`);
    assert.match(r.output, expected);
    assert.not.ok(existsSync(join(data, 'fulcrum.lmdb')), `${name}: nothing restored`);
  };
  // A backup cut short (the manifest is written last).
  await refused('no-manifest', (dir) => rmSync(join(dir, 'manifest.json')), /no manifest\.json/);
  // One byte of the copy flipped on its way to cold storage.
  await refused('flipped-byte', (dir) => {
    const file = join(dir, 'fulcrum.lmdb');
    const bytes = readFileSync(file);
    const middle = bytes.length >> 1;
    bytes[middle] = bytes[middle]! ^ 0xff;
    writeFileSync(file, bytes);
  }, /does not match its checksum/);
  // The first copy under the second's manifest: checksums agree (the manifest's files are the first's), the
  // sequence does not; a restore would promise orders the store does not have.
  await refused('wrong-sequence', (dir) => {
    const m = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ ...m, journalSeq: ctx.second.seq }));
  }, /covers journal sequence/);
  // The second backup's store in the first's directory, checksummed: a mixed-up directory.
  await refused('swapped-store', (dir) => copyFileSync(join(ctx.second.dir, 'fulcrum.lmdb'), join(dir, 'fulcrum.lmdb')), /bytes, the manifest says|does not match its checksum/);
  // Into a data dir that already holds something.
  const occupied = join(ctx.root, 'occupied');
  mkdirSync(occupied);
  writeFileSync(join(occupied, 'keep.txt'), 'x');
  const r = await runCli('restore', ['--from', ctx.first.dir, '--data', occupied]);
  assert.is(r.code, 1, r.output);
  assert.match(r.output, /is not empty/);
});

t.run();
