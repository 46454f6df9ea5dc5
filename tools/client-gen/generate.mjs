/**
 * Generates the typed client's types (`src/client/paths.ts`) from the OpenAPI document a server serves:
 * `npm run client`. test/http/openapi-client.test.ts fails when the committed file is stale.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import openapiTS, { astToString } from 'openapi-typescript';

const HEADER = '// Generated from GET /openapi.json by `npm run client` (tools/client-gen/generate.mjs): do not edit.\n\n';

/** The TypeScript types (`paths`, `components`, `operations`) of an OpenAPI document, as the file holds them. */
export async function clientTypes(document) {
  return HEADER + astToString(await openapiTS(structuredClone(document)));
}

/** The document of a server started from the compiled sources on a scratch data dir. */
async function servedDocument() {
  const { startServer } = await import('../../dist/src/server.js');
  const dataDir = mkdtempSync(join(tmpdir(), 'fulcrum-client-'));
  const server = await startServer({ dataDir, port: 0, apiKeys: [{ key: 'client-generator-key', role: 'admin' }], onFatal: (e) => { throw e; } });
  try {
    const res = await fetch(`${server.url}/openapi.json`);
    if (!res.ok) throw new Error(`GET /openapi.json answered ${res.status}`);
    return await res.json();
  } finally {
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const target = fileURLToPath(new URL('../../src/client/paths.ts', import.meta.url));
  writeFileSync(target, await clientTypes(await servedDocument()));
  console.log(`wrote ${target}`);
}
