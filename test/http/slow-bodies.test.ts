import { execSync } from 'node:child_process';
import { connect, type Socket } from 'node:net';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { KEYS, orderBody, seedHttp, startTestServer, type TestServer } from '../helpers/server.js';

/**
 * Slow bodies: a client that sends its headers, then its body a byte at a time, must neither keep the
 * requests that did arrive whole from being served nor hold the server's resources past the body deadline;
 * and one key or one address cannot open connections without bound.
 */

/** A raw connection that keeps everything it receives. */
interface RawConnection {
  socket: Socket;
  reply: () => string;
  closed: Promise<void>;
}

async function open(port: number): Promise<RawConnection> {
  const socket = connect(port, '127.0.0.1');
  let received = '';
  socket.on('data', (d: Buffer) => (received += d.toString()));
  socket.on('error', () => undefined);
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('error', reject);
  });
  return { socket, reply: () => received, closed };
}

/** Headers of an order whose JSON body (of `length` bytes) will follow slowly. */
function slowOrderHead(key: string, length: number): string {
  return `POST /orders HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${key}\r\nContent-Type: application/json\r\nContent-Length: ${length}\r\n\r\n`;
}

/** Waits for the connection to close, at most `timeoutMs`; whether it did. */
async function closes(c: RawConnection, timeoutMs = 3_000): Promise<boolean> {
  return Promise.race([c.closed.then(() => true), new Promise<boolean>((resolve) => setTimeout(() => resolve(false), timeoutMs))]);
}

async function until(check: () => Promise<boolean> | boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return false;
}

async function metric(s: TestServer, name: string): Promise<number> {
  const m = new RegExp(`^${name} (\\S+)$`, 'm').exec((await s.call('GET', '/metrics')).body);
  return m ? Number(m[1]) : NaN;
}

const SLOW = 2_000;

test(`${SLOW} bodies dripping a byte a second hold no in-flight slot: real orders get 201, the drips 408 at the deadline`, async () => {
  const soft = Number(execSync('ulimit -n', { shell: '/bin/sh' }).toString().trim());
  assert.ok(soft >= 2 * SLOW + 500, `this test needs ${2 * SLOW + 500} open files (ulimit -n is ${soft}; .ci/run raises it to the hard limit)`);
  // In-flight slots far fewer than the slow bodies: before bodies were received outside the bound, the
  // drips took every slot and real orders got 503 for as long as they dripped.
  const s = await startTestServer({ server: { maxInFlight: SLOW / 2, bodyTimeoutMs: 4_000 } });
  const slow: RawConnection[] = [];
  let drip: NodeJS.Timeout | undefined;
  try {
    await seedHttp(s, { locations: { BER: [52.5, 13.4] }, skus: ['A'], stock: [['BER', 'A', 100_000]] });
    const body = JSON.stringify(orderBody('A', 1, { ref: 'slow' }));
    for (let i = 0; i < SLOW; i += 100) {
      const batch = await Promise.all(Array.from({ length: Math.min(100, SLOW - i) }, () => open(s.server.port)));
      for (const c of batch) c.socket.write(slowOrderHead(KEYS.storefront, body.length) + body[0]);
      slow.push(...batch);
    }
    let sent = 1;
    drip = setInterval(() => {
      for (const c of slow) if (!c.socket.destroyed) c.socket.write(body[sent]!);
      sent++;
    }, 1000);
    const allArriving = await until(async () => (await metric(s, 'fulcrum_http_bodies_receiving')) === SLOW, 5_000);

    // Real orders, from the dripping key and from another one, while every slow body is still arriving.
    const started = Date.now();
    const replies = [];
    for (let i = 0; i < 30; i++) {
      replies.push(await s.call('POST', '/orders', orderBody('A', 1, { ref: `real-${i}` }), { key: i % 2 ? KEYS.storefront : KEYS.storefront2 }));
    }
    assert.ok(Date.now() - started < 4_000, 'the real orders were all answered before the deadline of the slow bodies');
    assert.equal(
      replies.map((r) => r.status),
      replies.map(() => 201),
      `statuses ${replies.map((r) => `${r.status} ${r.status === 201 ? '' : JSON.stringify(r.body)}`).join(', ')}`,
    );

    assert.ok(allArriving, 'the real orders were sent while the server was receiving every slow body');

    // At the deadline each slow body is answered 408 in the envelope and its connection closed.
    await Promise.race([Promise.all(slow.map((c) => c.closed)), new Promise((resolve) => setTimeout(resolve, 8_000))]);
    const timedOut = slow.filter((c) => /^HTTP\/1\.1 408 /.test(c.reply()) && /"type":"request_timeout"/.test(c.reply()));
    assert.is(timedOut.length, SLOW, `${timedOut.length} of ${SLOW} slow bodies answered 408; one reply: ${slow.find((c) => !timedOut.includes(c))?.reply()}`);
    assert.is(slow.filter((c) => !c.socket.destroyed && c.socket.readyState !== 'closed').length, 0, 'every slow connection was closed');
    assert.is((await s.call('GET', '/inventory/BER/A')).body.reserved, 30, 'only the real orders reserved anything');
    assert.is(await metric(s, 'fulcrum_http_bodies_receiving'), 0);
    assert.is(await metric(s, 'fulcrum_http_body_timeouts_total'), SLOW);
  } finally {
    clearInterval(drip);
    for (const c of slow) c.socket.destroy();
    await s.stop();
  }
});

test('a body that does not arrive within the deadline gets 408 request_timeout and the connection is closed', async () => {
  const s = await startTestServer({ server: { bodyTimeoutMs: 300 } });
  try {
    const c = await open(s.server.port);
    c.socket.write(slowOrderHead(KEYS.storefront, 100) + '{"ref":');
    const started = Date.now();
    assert.ok(await closes(c), 'the connection was closed');
    assert.ok(Date.now() - started >= 250, 'not before the deadline');
    assert.match(c.reply(), /^HTTP\/1\.1 408 /);
    assert.match(c.reply(), /connection: close/i);
    const envelope = JSON.parse(c.reply().slice(c.reply().indexOf('\r\n\r\n') + 4));
    assert.is(envelope.error.type, 'request_timeout');
    assert.match(envelope.error.message, /300 ms/);
  } finally {
    await s.stop();
  }
});

test('a body sent whole is served however long ago its connection opened', async () => {
  const s = await startTestServer({ server: { bodyTimeoutMs: 200 } });
  try {
    const c = await open(s.server.port);
    await new Promise((resolve) => setTimeout(resolve, 400));
    const body = JSON.stringify({ name: 'Berlin', geo: { lat: 52.5, lon: 13.4 }, country: 'DE' });
    c.socket.write(`PUT /locations/BER HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${KEYS.admin}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
    assert.ok(await until(() => c.reply().includes('\r\n\r\n'), 3_000));
    assert.match(c.reply(), /^HTTP\/1\.1 20[01] /, c.reply());
    c.socket.destroy();
  } finally {
    await s.stop();
  }
});

test('past its cap of connections a key gets 429 and the connection is closed; other keys are not affected', async () => {
  const s = await startTestServer({ server: { maxConnectionsPerKey: 3 } });
  const held: RawConnection[] = [];
  try {
    const get = (key: string) => `GET /orders?limit=1 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${key}\r\n\r\n`;
    for (let i = 0; i < 3; i++) {
      const c = await open(s.server.port);
      c.socket.write(get(KEYS.storefront));
      assert.ok(await until(() => c.reply().startsWith('HTTP/1.1 200'), 3_000), `connection ${i + 1} is served: ${c.reply()}`);
      held.push(c);
    }
    const over = await open(s.server.port);
    over.socket.write(get(KEYS.storefront));
    assert.ok(await closes(over), 'the connection over the cap was closed');
    assert.match(over.reply(), /^HTTP\/1\.1 429 /);
    assert.match(over.reply(), /"type":"rate_limited"/);
    assert.match(over.reply(), /3 connections/);
    assert.is((await s.call('GET', '/orders?limit=1', undefined, { key: KEYS.storefront2 })).status, 200, 'another key has its own cap');
    // A held connection keeps being served: the cap counts connections, not requests.
    held[0]!.socket.write(get(KEYS.storefront));
    assert.ok(await until(() => held[0]!.reply().split('HTTP/1.1 200').length === 3, 3_000));
    held.pop()!.socket.destroy();
    assert.ok(await until(async () => (await s.call('GET', '/orders?limit=1', undefined, { key: KEYS.storefront })).status === 200, 3_000), 'a closed connection frees its place');
  } finally {
    for (const c of held) c.socket.destroy();
    await s.stop();
  }
});

test('past its cap of connections an address gets 429 at once and the connection is closed', async () => {
  const s = await startTestServer({ server: { maxConnectionsPerAddress: 4 } });
  const held: RawConnection[] = [];
  try {
    for (let i = 0; i < 4; i++) held.push(await open(s.server.port));
    const over = await open(s.server.port);
    assert.ok(await closes(over), 'the connection over the cap was closed');
    assert.match(over.reply(), /^HTTP\/1\.1 429 /);
    assert.match(over.reply(), /"type":"rate_limited"/);
    assert.match(over.reply(), /4 connections from 127\.0\.0\.1/);
    held.pop()!.socket.destroy();
    await new Promise((resolve) => setTimeout(resolve, 50));
    const again = await open(s.server.port);
    again.socket.write(`GET /health HTTP/1.1\r\nHost: x\r\n\r\n`);
    assert.ok(await until(() => again.reply().startsWith('HTTP/1.1 200'), 3_000), 'a closed connection frees its place');
    held.push(again);
  } finally {
    for (const c of held) c.socket.destroy();
    await s.stop();
  }
});

test.run();
