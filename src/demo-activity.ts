/**
 * Demo activity on top of the demo network, made through the public API like any client: a pre-order drop
 * with inbound supply and orders waiting on it, orders in several states (one asking for embroidery, which
 * raises an alert), and returns waiting to be received and inspected. So every console screen has something
 * to show after `npm start -- --demo`. Seeded by fixed values, so every newcomer sees the same story.
 */

type Call = (method: string, path: string, body?: unknown) => Promise<{ status: number; body: any }>;

/** What the activity made, for tests and the start-up message. */
export interface DemoActivity {
  orders: string[];
  returns: string[];
  alerts: number;
}

const CUSTOMERS: Array<[id: string, lat: number, lon: number]> = [
  ['cust-anna', 52.52, 13.4], ['cust-ben', 48.14, 11.58], ['cust-cem', 53.55, 9.99], ['cust-dana', 50.94, 6.96], ['cust-eli', 51.34, 12.37],
];

/** Calls a Fulcrum server at `url` with an admin key. */
export function httpCaller(url: string, key: string): Call {
  return async (method, path, body) => {
    const res = await fetch(url + path, {
      method,
      headers: { authorization: `Bearer ${key}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  };
}

/** Loads the demo activity; each step must succeed, or it says which one failed and why. */
export async function loadDemoActivity(call: Call): Promise<DemoActivity> {
  const must = async (method: string, path: string, body?: unknown) => {
    const r = await call(method, path, body);
    if (r.status >= 300) throw new Error(`demo activity: ${method} ${path}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  };
  const order = (i: number, lines: Array<{ sku: string; qty: number }>, attributes: Record<string, unknown> = {}) => {
    const [id, lat, lon] = CUSTOMERS[i % CUSTOMERS.length]!;
    return must('POST', '/orders', { customer: { id }, deliverTo: { lat, lon, country: 'DE' }, lines, attributes });
  };
  const ship = async (orderId: string) => {
    const paid = await must('POST', `/orders/${orderId}/events`, { type: 'payment.authorized' });
    for (const f of paid.fulfilments as Array<{ id: string }>) {
      for (const type of ['accepted', 'picked', 'packed', 'shipped']) await must('POST', `/fulfilments/${f.id}/events`, { type });
    }
  };

  // A pre-order drop: nothing on hand, a purchase order and an ASN on their way, and fans waiting on them.
  // Dates are relative to today, so the console shows a drop a few days out, whatever the day it starts.
  const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10) + 'T08:00:00Z';
  await must('PUT', '/products/DROP-1', { name: 'Limited edition sneaker', attributes: { category: 'shoes', price: 180 } });
  await must('PUT', '/supply-rules/drop-1', { skus: ['DROP-1'], mode: 'preorder', cap: 500, window: { to: inDays(45) }, confidence: { purchase_order: 80 }, description: 'Sneaker drop: pre-orders against the PO and the ASN' });
  await must('PUT', '/inbound/PO-9001', { location: 'WH-BER', lines: [{ sku: 'DROP-1', qty: 300 }], expectedAt: inDays(14), kind: 'purchase_order', reference: 'PO 9001' });
  await must('PUT', '/inbound/ASN-77', { location: 'WH-DOR', lines: [{ sku: 'DROP-1', qty: 200 }], expectedAt: inDays(5), kind: 'asn' });
  const orders: string[] = [];
  for (let i = 0; i < 3; i++) orders.push((await order(i, [{ sku: 'DROP-1', qty: 1 + (i % 2) }])).id);

  // Orders in flight: waiting for payment, fulfilling, one with embroidery (a manual step that raises an alert).
  orders.push((await order(3, [{ sku: 'SKU-0004', qty: 1 }, { sku: 'SKU-0010', qty: 2 }])).id);
  const paid = (await order(4, [{ sku: 'SKU-0006', qty: 1 }])).id;
  await must('POST', `/orders/${paid}/events`, { type: 'payment.authorized' });
  orders.push(paid);
  const stitched = (await order(0, [{ sku: 'SKU-0001', qty: 1 }], { embroidery: 'A.B.' })).id;
  await must('POST', `/orders/${stitched}/events`, { type: 'payment.authorized' });
  orders.push(stitched);

  // Shipped orders and their returns: one to receive, one received and waiting for inspection.
  await must('PUT', '/return-policies/standard', { windowDays: 30, reasons: ['too_big', 'too_small', 'damaged', 'not_as_described'], description: '30 days from shipment' });
  const returns: string[] = [];
  for (const [i, sku, reason, received] of [[1, 'SKU-0005', 'too_small', false], [2, 'SKU-0008', 'damaged', true]] as const) {
    const shipped = (await order(i, [{ sku, qty: 1 }])).id;
    await ship(shipped);
    orders.push(shipped);
    const ret = await must('POST', '/returns', { orderId: shipped, lines: [{ sku, qty: 1, reason }], method: 'courier' });
    if (received) await must('POST', `/returns/${ret.id}/events`, { type: 'received', location: ret.routedTo });
    returns.push(ret.id);
  }
  const alerts = (await must('GET', '/alerts?status=open')).items.length as number;
  return { orders, returns, alerts };
}
