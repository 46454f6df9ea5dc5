import { seedHttp, type TestServer } from '../helpers/server.js';

/** Berlin, where the test customers live. */
export const BERLIN = { lat: 52.52, lon: 13.405, country: 'DE' };

/**
 * Three locations around a Berlin customer: `a-mitte` (0.3 km) holds one X, `c-spandau` (14 km) one Y,
 * `b-munich` (500 km) one X and one Y. Products weigh 10 kg, so distance costs more than a second parcel:
 * the default profile splits an order for X and Y over Mitte and Spandau, a profile that forbids splits
 * sends it from Munich.
 */
export async function seedSplitWorld(t: TestServer): Promise<void> {
  await seedHttp(t, {
    locations: { 'a-mitte': [52.52, 13.41], 'b-munich': [48.14, 11.58], 'c-spandau': [52.535, 13.2] },
    skus: [],
    stock: [],
  });
  for (const sku of ['X', 'Y']) {
    const r = await t.call('PUT', `/products/${sku}`, { name: sku, attributes: { weightKg: 10 } });
    if (r.status >= 300) throw new Error(`product ${sku}: ${r.status}`);
  }
  for (const [loc, sku] of [['a-mitte', 'X'], ['b-munich', 'X'], ['b-munich', 'Y'], ['c-spandau', 'Y']] as const) {
    const r = await t.call('PUT', `/inventory/${loc}/${sku}`, { onHand: 1 });
    if (r.status >= 300) throw new Error(`stock ${loc}/${sku}: ${r.status}`);
  }
}

/** The default profile with splits forbidden in every strategy: a draft to backtest. */
export const NO_SPLITS = {
  strategies: [
    { id: 'express', when: { deliveryTypes: ['express'] }, filters: { maxDistanceKm: 300, carrierCutoff: { deliveryTypes: ['express'] } }, split: { policy: 'forbid' } },
    { id: 'standard', filters: { carrierCutoff: false }, split: { policy: 'forbid' } },
  ],
};

/** Polls `GET /jobs/:id` until the backtest is no longer running. */
export async function finished(t: TestServer, id: string, timeoutMs = 10_000): Promise<any> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const r = await t.call('GET', `/jobs/${id}`);
    if (r.status !== 200) throw new Error(`GET /jobs/${id}: ${r.status} ${JSON.stringify(r.body)}`);
    if (r.body.status !== 'running') return r.body;
    if (Date.now() > until) throw new Error(`backtest ${id} still running after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** A period around now that holds every order the test placed. */
export function aroundNow(): { from: string; to: string } {
  return { from: new Date(Date.now() - 3_600_000).toISOString(), to: new Date(Date.now() + 3_600_000).toISOString() };
}
