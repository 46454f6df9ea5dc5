import { startServer, type RunningServer, type ServerOptions } from '../../src/server.js';
import { contractChecker, type ContractChecker } from './contract.js';
import { tempDataDir } from './tmp.js';

/**
 * Every reply a test gets through `call` is checked against the OpenAPI document (status documented, body
 * matching its schema), so the whole suite tests the contract. The document is the same for every server
 * of a run: it is fetched once. `FULCRUM_CONTRACT_CHECK=0` turns the check off.
 */
let checker: Promise<ContractChecker> | undefined;
const CHECK_CONTRACT = process.env.FULCRUM_CONTRACT_CHECK !== '0';

export const KEYS = {
  admin: 'test-admin-key-0001',
  ops: 'test-ops-key-000001',
  storefront: 'test-storefront-key1',
  storefront2: 'test-storefront-key2',
} as const;

export interface TestServer {
  server: RunningServer;
  url: string;
  dir: string;
  /** Calls the API; `body` objects are sent as JSON, strings as they are. */
  call(method: string, path: string, body?: unknown, options?: { key?: string | null; headers?: Record<string, string> }): Promise<{ status: number; body: any; headers: Headers }>;
  stop(): Promise<void>;
}

/** An in-process server on a random port with a fresh data dir and one key per role; `server` adds or overrides options. */
export async function startTestServer(options: { dir?: string; server?: Partial<ServerOptions> } = {}): Promise<TestServer> {
  const tmp = options.dir ? { dir: options.dir, cleanup: () => undefined } : tempDataDir();
  const server = await startServer({
    dataDir: tmp.dir,
    port: 0,
    apiKeys: [
      { key: KEYS.admin, role: 'admin' },
      { key: KEYS.ops, role: 'ops' },
      { key: KEYS.storefront, role: 'storefront' },
      { key: KEYS.storefront2, role: 'storefront' },
    ],
    onFatal: (e) => {
      throw e;
    },
    ...options.server,
  });
  return {
    server,
    url: server.url,
    dir: tmp.dir,
    async call(method, path, body, opts = {}) {
      const headers: Record<string, string> = { ...(opts.headers ?? {}) };
      const key = opts.key === undefined ? KEYS.admin : opts.key;
      if (key !== null) headers.authorization = `Bearer ${key}`;
      let payload: string | undefined;
      if (body !== undefined) {
        payload = typeof body === 'string' ? body : JSON.stringify(body);
        headers['content-type'] ??= 'application/json';
      }
      const res = await fetch(server.url + path, { method, headers, ...(payload !== undefined ? { body: payload } : {}) });
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        /* not JSON: keep the text */
      }
      if (CHECK_CONTRACT) {
        checker ??= fetch(`${server.url}/openapi.json`).then(async (r) => contractChecker(await r.json()));
        const problems = (await checker).problems({ method, path, status: res.status, body: parsed });
        if (problems.length > 0) throw new Error(`the reply breaks the API's documented contract: ${problems.join('; ')}`);
      }
      return { status: res.status, body: parsed, headers: res.headers };
    },
    async stop() {
      await server.close();
      tmp.cleanup();
    },
  };
}

/** Creates locations (id -> [lat, lon]), products and stock over HTTP. */
export async function seedHttp(
  t: TestServer,
  spec: { locations: Record<string, [number, number]>; skus: string[]; stock: Array<[string, string, number]> },
): Promise<void> {
  for (const [id, [lat, lon]] of Object.entries(spec.locations)) {
    const r = await t.call('PUT', `/locations/${id}`, { name: id, geo: { lat, lon }, country: 'DE' });
    if (r.status >= 300) throw new Error(`seeding location ${id}: ${r.status} ${JSON.stringify(r.body)}`);
  }
  for (const sku of spec.skus) {
    const r = await t.call('PUT', `/products/${sku}`, { name: sku });
    if (r.status >= 300) throw new Error(`seeding product ${sku}: ${r.status} ${JSON.stringify(r.body)}`);
  }
  for (const [loc, sku, onHand] of spec.stock) {
    const r = await t.call('PUT', `/inventory/${loc}/${sku}`, { onHand });
    if (r.status >= 300) throw new Error(`seeding stock ${loc}/${sku}: ${r.status} ${JSON.stringify(r.body)}`);
  }
}

export const BERLIN = { lat: 52.52, lon: 13.405, country: 'DE' };

/** A valid order body for one line. */
export function orderBody(sku: string, qty = 1, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { customer: { id: 'c-1' }, deliverTo: BERLIN, lines: [{ sku, qty }], ...extra };
}

type Call = (method: string, path: string, body?: unknown) => Promise<{ status: number; body: any }>;

/** Pays for an order (home delivery workflow) and ships each of its fulfilments over HTTP; returns the fulfilment ids. */
export async function shipOrderHttp(call: Call, orderId: string): Promise<string[]> {
  const paid = await call('POST', `/orders/${orderId}/events`, { type: 'payment.authorized' });
  if (paid.status !== 200) throw new Error(`payment.authorized: ${paid.status} ${JSON.stringify(paid.body)}`);
  const ids = (paid.body.fulfilments as Array<{ id: string }>).map((f) => f.id);
  for (const id of ids) {
    for (const type of ['accepted', 'picked', 'packed', 'shipped']) {
      const r = await call('POST', `/fulfilments/${id}/events`, { type });
      if (r.status !== 200) throw new Error(`fulfilment ${type}: ${r.status} ${JSON.stringify(r.body)}`);
    }
  }
  return ids;
}
