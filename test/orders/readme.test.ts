import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startChildServer } from '../helpers/child-server.js';
import { tempDataDir } from '../helpers/tmp.js';

const README = fileURLToPath(new URL('../../../README.md', import.meta.url));

/** The shell blocks of two README sections, in order, as one script against `url`. */
function script(url: string, dataDir: string, sections: string[]): string {
  const text = readFileSync(README, 'utf8');
  const blocks = sections.flatMap((name) => [...text.split(`\n## ${name}\n`)[1]!.split('\n## ')[0]!.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!));
  // What the examples assume happened before: a manual stock change and a pool change to find in the audit log.
  const before = [
    'API=http://localhost:8080',
    'AUTH="Authorization: Bearer $(cat data/admin.key)"',
    'curl -s -X PUT -H "$AUTH" $API/inventory/WH-BER/SKU-0005 --json \'{"onHand": 40}\' > /dev/null',
    'curl -s -H "$AUTH" $API/inventory/WH-BER/SKU-0005/adjust --json \'{"delta": -3, "reason": "found damaged"}\' > /dev/null',
    'curl -s -X PUT -H "$AUTH" $API/pools/web --json "$(curl -s -H "$AUTH" $API/pools/web | jq -c \'del(.id) | .buffer = {units: 3}\')" > /dev/null',
  ];
  const body = [...before, ...blocks].join('\n').replaceAll('http://localhost:8080', url).replaceAll('data/admin.key', `${dataDir}/admin.key`);
  return `set -euo pipefail\n${body}`;
}

test("the README's examples of partial cancellation, edits, history and audit work as written against a demo server", async () => {
  const { dir, cleanup } = tempDataDir();
  const server = await startChildServer(dir, {}, ['--demo']);
  try {
    const out = await new Promise<string>((resolve, reject) => {
      execFile('bash', ['-c', script(server.url, dir, ['Cancelling part of an order, editing it', 'History and audit'])], { timeout: 30_000 }, (err, stdout, stderr) => {
        if (err) reject(new Error(`the examples failed: ${err.message}\n--- stdout\n${stdout}\n--- stderr\n${stderr}`));
        else resolve(stdout);
      });
    });
    for (const expected of [
      /"lines":\[\{"sku":"SKU-0001","qty":1\},\{"sku":"SKU-0002","qty":1\}\],"cancelledLines":\[\{"sku":"SKU-0001","qty":2\}\]/,
      /"type":"invalid_state".*"path":"lines\[0\]\.qty","message":"5 asked, 1 of 'SKU-0001' not yet shipped"/,
      /\{"deliverTo":\{"lat":48\.14,"lon":11\.58,"country":"DE"\},"fulfilments":\[/,
      /\{"resourced":(true|false),"why":"[^"]+"\}/,
      /\{"at":"[^"]+","by":"key_\w+","event":"entity\.create","from":null,"status":"new","effects":\[\]\}/,
      /\["order\.edited"\]/,
      /"action":"inventory\.adjust","reason":"found damaged","before":40,"after":37/,
      /"action":"pool\.put","id":"web","before":null,"after":\{"units":3\}/,
    ]) {
      assert.match(out, expected);
    }
  } finally {
    await server.stop();
    cleanup();
  }
});

test.run();
