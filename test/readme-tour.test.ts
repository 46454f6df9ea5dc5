import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startChildServer } from './helpers/child-server.js';
import { tempDataDir } from './helpers/tmp.js';

const README = fileURLToPath(new URL('../../README.md', import.meta.url));

/** The shell blocks of the README's tour, as one script (the server start is done by the test). */
function tourScript(url: string, dataDir: string): string {
  return sectionScript('## Five-minute tour', '\n## ', url, dataDir);
}

/**
 * The shell blocks of one README section (from its heading to `end`) as one script, after the tour's
 * `API` and `AUTH` (the walkthroughs further down use them as the tour set them).
 */
function sectionScript(heading: string, end: string, url: string, dataDir: string): string {
  const text = readFileSync(README, 'utf8');
  const section = text.split(heading)[1]!.split(end)[0]!;
  const blocks = [...section.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!);
  const body = ['API=http://localhost:8080', 'AUTH="Authorization: Bearer $(cat data/admin.key)"', ...blocks]
    .join('\n')
    .split('\n')
    .filter((line) => !/^npm (start|run (build|serve))\b/.test(line))
    .join('\n')
    .replaceAll('http://localhost:8080', url)
    .replaceAll('data/admin.key', `${dataDir}/admin.key`);
  return `set -euo pipefail\n${body}`;
}

test('the README tour works as written against a demo server', async () => {
  const { dir, cleanup } = tempDataDir();
  const server = await startChildServer(dir, {}, ['--demo']);
  try {
    const out = await new Promise<string>((resolve, reject) => {
      execFile('bash', ['-c', tourScript(server.url, dir)], { timeout: 60_000 }, (err, stdout, stderr) => {
        if (err) reject(new Error(`tour failed: ${err.message}\n--- stdout\n${stdout}\n--- stderr\n${stderr}`));
        else resolve(stdout);
      });
    });
    for (const expected of [
      /"status":"ok"/,
      /"ats": \d+/,
      /"status": "awaiting_payment"/,
      /"workflow": "order\/home-delivery@1"/,
      /HTTP\/1\.1 201/,
      /idempotent-replayed: true/i,
      /"type": "insufficient_stock"/,
      /"path": "lines\[0\]\.qty"/,
      /"path": "deliverTo"/,
      /"type": "invalid_state"/,
      /"accepted": \[\s*"payment.authorized",\s*"payment.failed"\s*\],\s*"endpoints": \[\s*"POST \/orders\/ord_\w+\/cancel"/,
      /\{"status":"fulfilling","fulfilments":\[\{"id":"ord_\w+-1","location":"WH-BER","status":"released"\}\]\}/,
      /\{"id":"ord_\w+-1","status":"shipped"\}/,
      /\{"status":"delivered"\}/,
      /\{"status":"awaiting_payment","holdId":"hld_\w+"\}/,
      /\{"status":"consumed","orderId":"ord_\w+"\}/,
      /\{"entity":"order","name":"home-delivery","active":1\}/,
      /"applied": true/,
      /"ignored": "stale/,
      /"status": "cancelled"/,
      /"web"/,
      /^fulcrum_orders_placed_total \d+/m,
    ]) {
      assert.match(out, expected);
    }
  } finally {
    await server.stop();
    cleanup();
  }
});

/** Runs a script against a fresh demo server and returns what it printed. */
async function runAgainstDemo(script: (url: string, dir: string) => string): Promise<string> {
  const { dir, cleanup } = tempDataDir();
  const server = await startChildServer(dir, {}, ['--demo']);
  try {
    return await new Promise<string>((resolve, reject) => {
      execFile('bash', ['-c', script(server.url, dir)], { timeout: 60_000 }, (err, stdout, stderr) => {
        if (err) reject(new Error(`walkthrough failed: ${err.message}\n--- stdout\n${stdout}\n--- stderr\n${stderr}`));
        else resolve(stdout);
      });
    });
  } finally {
    await server.stop();
    cleanup();
  }
}

test('the README pre-order drop works as written: rule, inbound, availability with dates, a pre-order, the ASN arrives, a CSV of PO lines', async () => {
  const out = await runAgainstDemo((url, dir) => sectionScript('## Supply: inbound stock, backorders and pre-orders', '\n## ', url, dir));
  for (const expected of [
    /\{"id":"drop-1","version":1,"mode":"preorder","cap":500\}/,
    /\{"sku":"DROP-1","ats":0,"inbound":500,"future":\[\{"qty":200,"from":"2030-01-05T08:00:00.000Z"\},\{"qty":240,"from":"2030-01-15T08:00:00.000Z"\}\]\}/,
    /\{"earliest":"2030-01-15T08:00:00.000Z","ats":0\}/,
    /"status":"awaiting_payment","promisedAt":"2030-01-05T08:00:00.000Z"/,
    /\[\{"orderId":"ord_\w+","sku":"DROP-1","qty":2\}\]/,
    /\{"status":"fulfilling","fulfilments":\[\{"location":"WH-DOR","status":"released"\}\]\}/,
    /\{"applied":3,"rejected":0,"inbound":\{"created":2,"updated":0,"unchanged":0,"rejected":0\}\}/,
  ]) {
    assert.match(out, expected);
  }
});

test('the README return walkthrough works as written: drop-off, two dispositions, the refund', async () => {
  const out = await runAgainstDemo((url, dir) => sectionScript('### One return, end to end', '\n## ', url, dir));
  for (const expected of [
    /"routedTo":"ST-HAM"/,
    /\{"onHand":3,"available":1,"statuses":\{"sellable":1,"returns_received":2\}\}/,
    /\{"onHand":3,"available":2,"statuses":\{"sellable":2,"damaged":1\}\}/,
    /"shipping":4\.9,"total":79\.75,"status":"requested"/,
    /\{"status":"closed"\}/,
    /"state":"closed","refunds":\[\{"total":79\.75,"status":"completed"\}\]/,
  ]) {
    assert.match(out, expected);
  }
});


test('the README backup works as written: a job, its sequence, the manifest with the copy and the admin key', async () => {
  const backups = tempDataDir('fulcrum-readme-backups-');
  try {
    const out = await runAgainstDemo((url, dir) => `export TMPDIR=${backups.dir}\n${sectionScript('## Backups', '\n## ', url, dir)}`);
    assert.match(out, /\{"status":"done","journalSeq":\d+,"bytes":\d+,"durationMs":\d+,"manifest":"[^"]+\/first\/manifest\.json"\}/);
    assert.match(out, /\{"format":"fulcrum-backup","journalSeq":\d+,"mode":"online","files":\["fulcrum\.lmdb","admin\.key"\]\}/);
  } finally {
    backups.cleanup();
  }
});

test.run();
