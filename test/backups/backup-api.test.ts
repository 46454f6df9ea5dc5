import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { KEYS, seedHttp, startTestServer, type TestServer } from '../helpers/server.js';

/** `POST /ops/backups` and `GET /ops/backups/:id`: who may, where to, one at a time, and what a finished job says. */
const t = suite<{ s: TestServer; root: string }>('backup API');

t.before(async (ctx) => {
  ctx.s = await startTestServer({ server: { feedProcesses: 0 } });
  ctx.root = mkdtempSync(join(tmpdir(), 'fulcrum-backup-api-'));
  await seedHttp(ctx.s, { locations: { BER: [52.52, 13.4] }, skus: ['A'], stock: [['BER', 'A', 10]] });
});
t.after(async (ctx) => {
  await ctx.s.stop();
  rmSync(ctx.root, { recursive: true, force: true });
});

async function finished(s: TestServer, id: string): Promise<any> {
  for (;;) {
    const r = await s.call('GET', `/ops/backups/${id}`);
    assert.is(r.status, 200);
    if (r.body.status !== 'running') return r.body;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

t('an admin starts a backup (202 and Location); the job ends done with the sequence, size, duration and manifest path', async ({ s, root }) => {
  const to = join(root, 'first');
  const r = await s.call('POST', '/ops/backups', { to });
  assert.is(r.status, 202, JSON.stringify(r.body));
  assert.is(r.headers.get('location'), `/ops/backups/${r.body.id}`);
  const job = await finished(s, r.body.id);
  assert.is(job.status, 'done', JSON.stringify(job));
  assert.is(job.journalSeq, s.server.fulcrum.engine.journal.nextSeq - 1, 'nothing was written since: the backup covers the last sequence');
  const manifest = JSON.parse(readFileSync(job.manifest, 'utf8'));
  assert.equal([manifest.journalSeq, manifest.bytes, manifest.durationMs, manifest.mode], [job.journalSeq, job.bytes, job.durationMs, 'online']);
  assert.ok(manifest.files.some((f: any) => f.name === 'fulcrum.lmdb' && /^[0-9a-f]{64}$/.test(f.sha256)));
  assert.equal(readdirSync(to).sort(), ['fulcrum.lmdb', 'manifest.json'], 'the copy and its manifest, no lock file left by checking the copy');
  const list = await s.call('GET', '/ops/backups');
  assert.is(list.body.items[0].id, job.id);
});

t('only an admin key may back up (403 for ops)', async ({ s, root }) => {
  const r = await s.call('POST', '/ops/backups', { to: join(root, 'ops') }, { key: KEYS.ops });
  assert.is(r.status, 403);
  assert.is((await s.call('GET', '/ops/backups', undefined, { key: KEYS.ops })).status, 403);
});

t('a relative path, a missing parent, a file, the data dir or a path inside it are 400 naming `to`', async ({ s, root }) => {
  writeFileSync(join(root, 'a-file'), 'x');
  for (const to of ['relative/dir', join(root, 'no', 'such'), join(root, 'a-file'), s.dir, join(s.dir, 'inside')]) {
    const r = await s.call('POST', '/ops/backups', { to });
    assert.is(r.status, 400, `${to}: ${JSON.stringify(r.body)}`);
    assert.is(r.body.error.details[0].path, 'to');
  }
  assert.is((await s.call('POST', '/ops/backups', { to: 7 })).status, 400);
});

t('an existing directory that is not empty is a 409; an empty one is used', async ({ s, root }) => {
  const full = join(root, 'full');
  mkdirSync(full);
  writeFileSync(join(full, 'old.txt'), 'x');
  const r = await s.call('POST', '/ops/backups', { to: full });
  assert.is(r.status, 409);
  assert.match(r.body.error.message, 'is not empty');
  const empty = join(root, 'empty');
  mkdirSync(empty);
  const ok = await s.call('POST', '/ops/backups', { to: empty });
  assert.is(ok.status, 202);
  assert.is((await finished(s, ok.body.id)).status, 'done');
});

t('a second backup while one runs is a 409 naming the running one', async ({ s, root }) => {
  const [a, b] = await Promise.all([s.call('POST', '/ops/backups', { to: join(root, 'one') }), s.call('POST', '/ops/backups', { to: join(root, 'two') })]);
  assert.is(a.status, 202);
  assert.is(b.status, 409, JSON.stringify(b.body));
  assert.match(b.body.error.message, a.body.id);
  await finished(s, a.body.id);
});

t('an unknown backup id is a 404', async ({ s }) => {
  assert.is((await s.call('GET', '/ops/backups/bkp_nothing')).status, 404);
});

t('a server stopping waits for the backup it is taking, which finishes with its manifest', async ({ root }) => {
  const other = await startTestServer({ server: { feedProcesses: 0 } });
  await seedHttp(other, { locations: { HAM: [53.55, 9.99] }, skus: ['B'], stock: [['HAM', 'B', 5]] });
  const to = join(root, 'at-shutdown');
  const r = await other.call('POST', '/ops/backups', { to });
  assert.is(r.status, 202);
  await other.stop();
  const manifest = JSON.parse(readFileSync(join(to, 'manifest.json'), 'utf8'));
  assert.ok(manifest.journalSeq > 0);
});

t.run();
