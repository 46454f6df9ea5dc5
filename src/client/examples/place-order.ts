/**
 * The typed client at work: set up a location and a product, count stock, place an order and read what is
 * left to sell. Paths, bodies and replies are checked by the compiler against the API's document.
 *
 *   npm run build && node dist/src/client/examples/place-order.js http://127.0.0.1:8080 <admin key>
 */
import { createClient } from '../index.js';

/** Places one order through the typed client on a fresh network; answers the order and the ATS left. */
export async function placeOrder(baseUrl: string, key: string): Promise<{ orderId: string; status: string; atsLeft: number }> {
  const fulcrum = createClient(baseUrl, key);
  await must(fulcrum.PUT('/locations/{id}', { params: { path: { id: 'BER-1' } }, body: { name: 'Berlin', geo: { lat: 52.52, lon: 13.4 }, country: 'DE' } }));
  await must(fulcrum.PUT('/products/{sku}', { params: { path: { sku: 'MUG-1' } }, body: { name: 'Mug' } }));
  await must(fulcrum.PUT('/inventory/{location}/{sku}', { params: { path: { location: 'BER-1', sku: 'MUG-1' } }, body: { onHand: 10 } }));
  const order = await must(
    fulcrum.POST('/orders', {
      params: { header: { 'Idempotency-Key': 'example-order-1' } },
      body: { customer: { id: 'c-42' }, deliverTo: { lat: 52.5, lon: 13.41, country: 'DE' }, lines: [{ sku: 'MUG-1', qty: 2 }] },
    }),
  );
  const availability = await must(fulcrum.GET('/availability', { params: { query: { sku: ['MUG-1'] } } }));
  return { orderId: order.id, status: order.status, atsLeft: availability.items[0]!.ats };
}

/** The reply's data, or an Error carrying the API's error envelope. */
async function must<T>(request: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  const { data, error, response } = await request;
  if (data === undefined) throw new Error(`${response.status}: ${JSON.stringify(error)}`);
  return data;
}

if (process.argv[1]?.endsWith('place-order.js') && process.argv[2] && process.argv[3]) {
  console.log(await placeOrder(process.argv[2], process.argv[3]));
}
