import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { startChildServer, type ChildServer } from '../../helpers/child-server.js';
import { tempDataDir } from '../../helpers/tmp.js';

const CLI = fileURLToPath(new URL('../../../src/cli/import.js', import.meta.url));
const KEY = 'bulk-cli-admin-key-0001';

interface Ctx {
  server: ChildServer;
  dir: string;
  cleanup: () => void;
}

const t = suite<Ctx>('npm run import streams a file and follows the load');

t.before(async (ctx) => {
  const tmp = tempDataDir();
  ctx.dir = tmp.dir;
  ctx.cleanup = tmp.cleanup;
  ctx.server = await startChildServer(join(tmp.dir, 'data'), { FULCRUM_API_KEYS: `${KEY}:admin` });
  const put = (path: string, body: unknown) =>
    fetch(ctx.server.url + path, { method: 'PUT', headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  for (const l of ['BER', 'MUC']) await put(`/locations/${l}`, { name: l, geo: { lat: 52, lon: 13 }, country: 'DE' });
  for (let j = 0; j < 200; j++) await put(`/products/S${j}`, { name: `S${j}` });
});
t.after(async (ctx) => {
  await ctx.server.stop();
  ctx.cleanup();
});

function run(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { env: { ...process.env, ...env }, timeout: 60_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

t('a small file is answered at once; rejected rows are listed and the exit status is 2', async ({ server, dir }) => {
  const file = join(dir, 'small.ndjson');
  writeFileSync(file, '{"location":"BER","sku":"S1","onHand":5}\n{"location":"BER","sku":"NOPE","onHand":5}\n{"location":"MUC","sku":"S2","delta":3}\n');
  const r = await run([file, '--url', server.url, '--key', KEY]);
  assert.is(r.code, 2, r.stderr);
  assert.match(r.stdout, /3 rows read.*: 2 applied, 0 ignored, 1 rejected/);
  assert.match(r.stdout, /row 2: unknown product 'NOPE' \(sku\)/);
});

t('a large file runs as a job: progress on stderr, the summary on stdout, exit status 0', async ({ server, dir }) => {
  const file = join(dir, 'large.json');
  const rows: string[] = [];
  for (let k = 0; k < 12_000; k++) rows.push(JSON.stringify({ location: k % 2 ? 'BER' : 'MUC', sku: `S${k % 200}`, onHand: k, reason: 'weekly count from the warehouse system' }));
  writeFileSync(file, `[\n${rows.join(',\n')}\n]\n`);
  const r = await run([file, '--url', server.url], { FULCRUM_API_KEY: KEY });
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stderr, /\[#+\] 100%/);
  assert.match(r.stdout, /12,000 rows read in [\d.]+ s .*: 12,000 applied, 0 ignored, 0 rejected/);
  const p = (await (await fetch(`${server.url}/inventory/BER/S199`, { headers: { authorization: `Bearer ${KEY}` } })).json()) as { onHand: number };
  assert.is(p.onHand, 11_999);
});

t('with --inbound a CSV of PO lines loads inbound supply; its summary counts the inbound', async ({ server, dir }) => {
  const file = join(dir, 'po-lines.csv');
  writeFileSync(file, ['inbound,location,sku,qty,expectedAt,kind,reference', 'PO-1,MUC,S1,40,2030-01-15T08:00:00Z,purchase_order,"PO 1, EDI"', 'PO-2,BER,S2,5,2030-01-05T08:00:00Z,asn,', 'PO-1,MUC,S3,8,2030-01-15T08:00:00Z,purchase_order,', 'PO-3,BER,NOPE,1,2030-01-05T08:00:00Z,asn,'].join('\n'));
  const r = await run([file, '--inbound', '--url', server.url, '--key', KEY]);
  assert.is(r.code, 2, r.stderr);
  assert.match(r.stdout, /4 rows read.*: 3 applied, 1 rejected/);
  assert.match(r.stdout, /inbound: 2 created, 0 updated, 0 unchanged, 1 rejected/);
  assert.match(r.stdout, /row 5: no product 'NOPE' \(sku\)/);
  const po = (await (await fetch(`${server.url}/inbound/PO-1`, { headers: { authorization: `Bearer ${KEY}` } })).json()) as { lines: unknown; reference: string };
  assert.equal([po.lines, po.reference], [[{ sku: 'S1', qty: 40, received: 0 }, { sku: 'S3', qty: 8, received: 0 }], 'PO 1, EDI']);
  const stock = await run([file, '--url', server.url, '--key', KEY]);
  assert.is(stock.code, 1);
  assert.match(stock.stderr, /stock loads take NDJSON or JSON; CSV loads inbound lines \(--inbound\)/);
});

t('errors exit 1 with a message that says what to do', async ({ server, dir }) => {
  const file = join(dir, 'small.ndjson');
  const down = await run([file, '--url', 'http://127.0.0.1:1', '--key', KEY]);
  assert.is(down.code, 1);
  assert.match(down.stderr, /cannot reach Fulcrum at http:\/\/127\.0\.0\.1:1 .*is the server running\?/);
  const badKey = await run([file, '--url', server.url, '--key', 'not-a-key-at-all']);
  assert.is(badKey.code, 1);
  assert.match(badKey.stderr, /refused the load \(401 unauthorized\): unknown API key/);
  const missing = await run([join(dir, 'nope.ndjson'), '--url', server.url, '--key', KEY]);
  assert.is(missing.code, 1);
  assert.match(missing.stderr, /no file/);
});

t.run();
