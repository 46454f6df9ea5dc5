/**
 * The few API calls the reliability benches make around their load: seeding a network, reading state back
 * and scraping `/metrics`. Every call throws on an unexpected status, naming the path.
 */
export interface FulcrumApi {
  url: string;
  /** `PUT`/`POST` a JSON body (or a string as is); returns the parsed reply. */
  write(method: 'PUT' | 'POST', path: string, body: unknown, contentType?: string): Promise<any>;
  get(path: string): Promise<{ status: number; body: any }>;
  /** One value from `/metrics` (NaN when absent). */
  metric(name: string): Promise<number>;
}

export function fulcrumApi(url: string, key: string): FulcrumApi {
  const auth = { authorization: `Bearer ${key}` };
  return {
    url,
    async write(method, path, body, contentType = 'application/json') {
      const r = await fetch(url + path, { method, headers: { ...auth, 'content-type': contentType }, body: typeof body === 'string' ? body : JSON.stringify(body) });
      const text = await r.text();
      if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${text.slice(0, 500)}`);
      return JSON.parse(text);
    },
    async get(path) {
      const r = await fetch(url + path, { headers: auth });
      const text = await r.text();
      return { status: r.status, body: text ? JSON.parse(text) : undefined };
    },
    async metric(name) {
      const text = await (await fetch(`${url}/metrics`, { headers: auth })).text();
      const m = new RegExp(`^${name} (\\S+)$`, 'm').exec(text);
      return m ? Number(m[1]) : NaN;
    },
  };
}

/** A location: id, latitude, longitude. */
export type Site = readonly [string, number, number];

/** Three German fulfilment centres, as the other benches use. */
export const SITES: readonly Site[] = [
  ['BER', 52.52, 13.4],
  ['HAM', 53.55, 9.99],
  ['MUC', 48.14, 11.58],
];

/**
 * Seeds locations, products and stock: products over `PUT /products` (32 at a time), stock through
 * `POST /inventory/batch` in NDJSON bodies of at most 10,000 rows (each answered once durable).
 */
export async function seedNetwork(api: FulcrumApi, skus: readonly string[], stock: ReadonlyArray<{ location: string; sku: string; onHand: number }>, sites: readonly Site[] = SITES): Promise<void> {
  for (const [id, lat, lon] of sites) await api.write('PUT', `/locations/${id}`, { name: id, geo: { lat, lon }, country: 'DE' });
  let next = 0;
  const worker = async () => {
    while (next < skus.length) {
      const sku = skus[next++]!;
      await api.write('PUT', `/products/${sku}`, { name: sku });
    }
  };
  await Promise.all(Array.from({ length: 32 }, worker));
  for (let i = 0; i < stock.length; i += 10_000) {
    const body = stock.slice(i, i + 10_000).map((row) => JSON.stringify(row)).join('\n') + '\n';
    const r = await api.write('POST', '/inventory/batch', body, 'application/x-ndjson');
    if (r.rejected > 0) throw new Error(`seeding stock: ${r.rejected} rows rejected: ${JSON.stringify(r.rejectedRows).slice(0, 300)}`);
  }
}

/** The order body the benches send: one customer, Berlin, the given lines. */
export function orderBody(customer: string, lines: ReadonlyArray<{ sku: string; qty: number }>): string {
  return JSON.stringify({ customer: { id: customer }, deliverTo: { lat: 52.52, lon: 13.405, country: 'DE' }, lines });
}
