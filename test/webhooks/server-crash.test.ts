import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startChildServer, type ChildServer } from '../helpers/child-server.js';
import { tempDataDir } from '../helpers/tmp.js';
import { startReceiver } from './helpers/receiver.js';
import { SECRET } from './helpers/world.js';

const KEY = 'webhook-crash-admin-key';
const ENV = { FULCRUM_API_KEYS: `${KEY}:admin`, FULCRUM_WEBHOOK_RETRY_BASE_MS: '5', FULCRUM_WEBHOOK_RETRY_MAX_MS: '20' };

async function call(server: ChildServer, method: string, path: string, body: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(server.url + path, { method, headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, body: await res.json() };
}

test('kill -9 of the server during an order burst: every acknowledged order still gets its webhook', async () => {
  const tmp = tempDataDir();
  // Every first attempt fails, so the kill lands while deliveries are being retried as well as written.
  const receiver = await startReceiver((_, n) => (n === 0 ? 500 : 200));
  let server: ChildServer | undefined;
  let stop = false;
  try {
    server = await startChildServer(tmp.dir, ENV, ['--demo']);
    assert.is((await call(server, 'PUT', '/webhooks/all', { url: receiver.url, events: ['*'], secret: SECRET })).status, 201);
    const acknowledged: string[] = [];
    const client = async (c: number, target: ChildServer) => {
      for (let i = 0; !stop; i++) {
        const order = { customer: { id: `c${c}` }, deliverTo: { lat: 52.5, lon: 13.4, country: 'DE' }, lines: [{ sku: `SKU-00${10 + ((c * 7 + i) % 40)}`, qty: 1 }] };
        const r = await call(target, 'POST', '/orders', order).catch(() => undefined);
        if (r?.status === 201) acknowledged.push(r.body.id);
      }
    };
    const clients = Array.from({ length: 6 }, (_, c) => client(c, server!));
    await receiver.waitFor(() => acknowledged.length >= 60 && receiver.received.length >= 40, 15_000);
    await server.kill9();
    stop = true;
    await Promise.all(clients);

    server = await startChildServer(tmp.dir, ENV);
    const allDelivered = () => {
      const subjects = new Set(receiver.received.filter((r) => r.answer === 200).map((r) => JSON.parse(r.body).subject));
      return acknowledged.every((id) => subjects.has(`order/${id}`));
    };
    await receiver.waitFor(allDelivered, 20_000);
    await server.stop();
    server = undefined;
    const bodies = new Map<string, string>();
    for (const r of receiver.received) {
      assert.is(bodies.get(r.id) ?? r.body, r.body, `a retry of ${r.id}, before or after the crash, resends the same event`);
      bodies.set(r.id, r.body);
    }
  } finally {
    stop = true;
    if (server && server.process.exitCode === null && server.process.signalCode === null) await server.kill9();
    await receiver.close();
    tmp.cleanup();
  }
});

test.run();
