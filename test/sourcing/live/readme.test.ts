import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startChildServer } from '../../helpers/child-server.js';
import { tempDataDir } from '../../helpers/tmp.js';

const README = fileURLToPath(new URL('../../../../README.md', import.meta.url));

/** The shell blocks of the README's Sourcing section, as one script against `url`. */
function sourcingScript(url: string, dataDir: string): string {
  const section = readFileSync(README, 'utf8').split('\n## Sourcing\n')[1]!.split('\n## ')[0]!;
  const body = [...section.matchAll(/```sh\n([\s\S]*?)```/g)]
    .map((m) => m[1]!)
    .join('\n')
    .replaceAll('http://localhost:8080', url)
    .replaceAll('data/admin.key', `${dataDir}/admin.key`);
  return `set -euo pipefail\n${body}`;
}

test("the README's sourcing examples work as written against a demo server", async () => {
  const { dir, cleanup } = tempDataDir();
  const server = await startChildServer(dir, {}, ['--demo']);
  try {
    const out = await new Promise<string>((resolve, reject) => {
      execFile('bash', ['-c', sourcingScript(server.url, dir)], { timeout: 30_000 }, (err, stdout, stderr) => {
        if (err) reject(new Error(`the examples failed: ${err.message}\n--- stdout\n${stdout}\n--- stderr\n${stderr}`));
        else resolve(stdout);
      });
    });
    for (const expected of [
      /"kind": "intake"/,
      /"strategy": "standard"/,
      /"summary": "\d shipments? from [A-Z-]+.*proven optimal/,
      /"shipment": 5/,
      /"outcome": "planned",\s*"strategy": "one-box"/,
      /\{"id":"default","version":2,"status":"draft"/,
      /\{"id":"default","active":2,"versions":\[\{"version":1,"status":"retired"\},\{"version":2,"status":"active"\}\]\}/,
      /^\{"weight":1,"windowHours":168,"horizonHours":168,"refreshSeconds":300,"regionKm":50,"scenarios":10,"maxSkus":2000\}$/m,
    ]) {
      assert.match(out, expected);
    }
  } finally {
    await server.stop();
    cleanup();
  }
});

test.run();
