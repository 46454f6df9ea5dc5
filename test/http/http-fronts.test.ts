import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { KEYS, orderBody, seedHttp, startTestServer, type TestServer } from '../helpers/server.js';
import { tempDataDir } from '../helpers/tmp.js';

/**
 * Experimental HTTP front processes (`httpFronts`): the app's answers are the same as without them, and an
 * order is acknowledged only after the main process's flush, so killing a front loses no acknowledged order.
 */

const SEED = { locations: { BER: [52.5, 13.4] as [number, number] }, skus: ['A'], stock: [['BER', 'A', 10] as [string, string, number]] };

/** An exchange's status, the headers that say what the body is, and the body with ids and times masked. */
async function exchange(s: TestServer, method: string, path: string, body?: unknown, key: string | null = KEYS.admin, ids: string[] = []) {
  const r = await s.call(method, path, body, { key });
  let text = JSON.stringify(r.body);
  for (const id of ids) text = text.split(id).join('<id>');
  text = text.replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z/g, '<time>');
  return { status: r.status, type: r.headers.get('content-type'), auth: r.headers.get('www-authenticate'), body: text, raw: r.body };
}

async function script(s: TestServer) {
  await seedHttp(s, SEED);
  const placed = await exchange(s, 'POST', '/orders', orderBody('A', 2, { ref: 'same' }));
  const id = (placed.raw as { id: string }).id;
  const mask = [id];
  return [
    { ...placed, body: placed.body.split(id).join('<id>') },
    await exchange(s, 'GET', `/orders/${id}`, undefined, KEYS.admin, mask),
    await exchange(s, 'GET', '/availability?sku=A'),
    await exchange(s, 'POST', '/orders', { lines: 'none' }),
    await exchange(s, 'POST', '/orders', '{"not json'),
    await exchange(s, 'GET', `/orders/${id}`, undefined, null, mask),
    await exchange(s, 'GET', '/orders/no-such-order'),
  ].map(({ raw: _raw, ...rest }) => rest);
}

test('with one HTTP front, orders, reads and refusals answer as without fronts', async () => {
  const plain = await startTestServer({ server: { feedProcesses: 0 } });
  let without;
  try {
    without = await script(plain);
  } finally {
    await plain.stop();
  }
  const fronted = await startTestServer({ server: { feedProcesses: 0, httpFronts: 1 } });
  try {
    assert.is(fronted.server.httpFronts.length, 1, 'one front runs');
    const withFronts = await script(fronted);
    assert.equal(withFronts.map((x) => x.status), [201, 200, 200, 400, 400, 401, 404]);
    assert.equal(withFronts, without);
  } finally {
    await fronted.stop();
  }
});

test('a front killed with SIGKILL mid-load loses no acknowledged order', async () => {
  const tmp = tempDataDir();
  const acked: string[] = [];
  try {
    const s = await startTestServer({ dir: tmp.dir, server: { feedProcesses: 0, httpFronts: 1 } });
    try {
      await seedHttp(s, { ...SEED, stock: [['BER', 'A', 100_000]] });
      const [front] = s.server.httpFronts;
      let sent = 0;
      let hung = 0;
      const one = async (): Promise<void> => {
        sent++;
        // A connection left open with nobody serving it (a socket in transit to the dead front) must not hang.
        const r = await fetch(`${s.url}/orders`, { method: 'POST', headers: { authorization: `Bearer ${KEYS.admin}`, 'content-type': 'application/json' }, body: JSON.stringify(orderBody('A', 1)), signal: AbortSignal.timeout(10_000) }).catch((e: Error) => {
          if (e.name === 'TimeoutError') hung++;
          throw e;
        });
        if (r.status === 201) acked.push(((await r.json()) as { id: string }).id);
      };
      const client = async () => {
        for (;;) await one();
      };
      // Twenty connections keep ordering; once some orders are in, the front dies under them.
      const clients = Array.from({ length: 20 }, () => client().catch(() => undefined));
      while (acked.length < 100) await new Promise((resolve) => setTimeout(resolve, 5));
      process.kill(front!, 'SIGKILL');
      await Promise.all(clients);
      assert.ok(sent > acked.length, 'some orders were in flight when the front died');
      assert.is(hung, 0, 'no request was left waiting on a connection nobody serves');
    } finally {
      await s.stop();
    }
    // Every order a client was told about is in the store, read back after a restart without fronts.
    const again = await startTestServer({ dir: tmp.dir, server: { feedProcesses: 0 } });
    try {
      for (const id of acked) {
        const r = await again.call('GET', `/orders/${id}`);
        assert.is(r.status, 200, `acknowledged order ${id} is stored`);
      }
    } finally {
      await again.stop();
    }
  } finally {
    tmp.cleanup();
  }
});

test.run();
