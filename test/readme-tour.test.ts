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
  const text = readFileSync(README, 'utf8');
  const section = text.split('## Five-minute tour')[1]!.split('\n## ')[0]!;
  const blocks = [...section.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!);
  const body = blocks
    .join('\n')
    .split('\n')
    .filter((line) => !line.startsWith('npm start'))
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

test.run();
