import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startChildServer } from '../helpers/child-server.js';
import { tempDataDir } from '../helpers/tmp.js';

const README = fileURLToPath(new URL('../../../README.md', import.meta.url));

/** The shell blocks of the README's backtest section, as one script against `url`. */
function backtestScript(url: string, dataDir: string): string {
  const section = readFileSync(README, 'utf8').split('\n## Sourcing lab: backtests\n')[1]!.split('\n## ')[0]!;
  const body = [...section.matchAll(/```sh\n([\s\S]*?)```/g)]
    .map((m) => m[1]!)
    .join('\n')
    .replaceAll('$API', url)
    .replaceAll('"$AUTH"', `"Authorization: Bearer $(cat ${dataDir}/admin.key)"`);
  return `set -euo pipefail\n${body}`;
}

test("the README's backtest example works as written against a demo server: the no-split draft never splits", async () => {
  const { dir, cleanup } = tempDataDir();
  const server = await startChildServer(dir, {}, ['--demo']);
  try {
    const out = await new Promise<string>((resolve, reject) => {
      execFile('bash', ['-c', backtestScript(server.url, dir)], { timeout: 60_000 }, (err, stdout, stderr) => {
        if (err) reject(new Error(`the example failed: ${err.message}\n--- stdout\n${stdout}\n--- stderr\n${stderr}`));
        else resolve(stdout);
      });
    });
    const report = JSON.parse(out.slice(0, out.lastIndexOf('\n{')));
    assert.ok(report.orders.replayed > 50, `${report.orders.replayed} orders replayed`);
    assert.is(report.orders.replayed, report.orders.inPeriod);
    assert.is(report.reproduced, report.orders.replayed, 'the live profile replayed makes the plans the orders got');
    assert.ok(report.live.splitOrders > 0, 'the live profile splits some of these orders');
    assert.is(report.draft.splitOrders, 0);
    assert.ok(report.changed > 0);
    assert.match(out.slice(out.lastIndexOf('\n{')), /"draft": "1 shipment from /);
  } finally {
    await server.stop();
    cleanup();
  }
});

test.run();
