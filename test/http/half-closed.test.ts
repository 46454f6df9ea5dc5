import { connect } from 'node:net';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { KEYS, orderBody, seedHttp, startTestServer, type TestServer } from '../helpers/server.js';

/**
 * A client that ends its side of the connection right after its request (shutdown for writing, as `nc -N`,
 * some HTTP/1.0 clients and proxies do) still gets its answer. Node's default closed such a connection when
 * the client's end arrived, so only answers given within the same turn went out: an order, which waits for
 * its journal flush, was placed and the client got a closed connection; with an HTTP front every answer was
 * lost, since it comes back from the engine's process.
 */

const AUTH = `Authorization: Bearer ${KEYS.admin}\r\n`;

/** Writes `text`, ends the socket's writing side at once, and reads until the server closes. */
function halfClosed(port: number, text: string, timeoutMs = 10_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`the server kept the half-closed connection for ${timeoutMs} ms`));
    }, timeoutMs);
    socket.on('data', (d) => chunks.push(d));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks).toString('latin1'));
    });
    socket.end(Buffer.from(text, 'latin1'));
  });
}

const statusOf = (reply: string) => Number(/^HTTP\/1\.1 (\d{3})/.exec(reply)?.[1] ?? 0);

async function check(s: TestServer): Promise<void> {
  await seedHttp(s, { locations: { BER: [52.52, 13.405] }, skus: ['A'], stock: [['BER', 'A', 10]] });
  const port = s.server.port;
  const body = JSON.stringify(orderBody('A', 1));
  const placed = await halfClosed(port, `POST /orders HTTP/1.1\r\nHost: t\r\n${AUTH}Content-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
  assert.is(statusOf(placed), 201, `a placed order is answered: ${JSON.stringify(placed.slice(0, 80))}`);
  const id = (JSON.parse(placed.slice(placed.indexOf('\r\n\r\n') + 4)) as { id: string }).id;
  assert.is((await s.call('GET', `/orders/${id}`)).status, 200, 'the order the answer names exists');

  const read = await halfClosed(port, `GET /availability?sku=A HTTP/1.1\r\nHost: t\r\n${AUTH}\r\n`);
  assert.is(statusOf(read), 200, 'a read is answered');
  const refused = await halfClosed(port, `POST /orders HTTP/1.1\r\nHost: t\r\n${AUTH}Content-Length:  2\r\n\r\n{}`);
  assert.is(statusOf(refused), 415, 'a refusal is answered');
  // Two requests, then the end: both are answered, in order, and the connection closes after the second.
  const two = await halfClosed(port, `GET /availability?sku=A HTTP/1.1\r\nHost: t\r\n${AUTH}\r\nGET /orders/${id} HTTP/1.1\r\nHost: t\r\n${AUTH}\r\n`);
  assert.equal([...two.matchAll(/HTTP\/1\.1 (\d{3})/g)].map((m) => Number(m[1])), [200, 200]);

  // The end without a request closes the connection at once; a body cut by the end is a broken request.
  const started = Date.now();
  assert.is(await halfClosed(port, ''), '');
  assert.ok(Date.now() - started < 2_000, 'an idle half-closed connection is closed, not kept');
  const cut = await halfClosed(port, `POST /orders HTTP/1.1\r\nHost: t\r\n${AUTH}Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{"customer":`);
  assert.ok(statusOf(cut) === 400 || cut === '', `a body cut by the end is refused or dropped: ${JSON.stringify(cut.slice(0, 80))}`);
  const orders = await s.call('GET', '/orders?limit=100');
  assert.is(orders.body.items.length, 1, 'only the one complete order was placed');
}

test('a client that half-closes after its request gets the answer (no fronts)', async () => {
  const s = await startTestServer({ server: { feedProcesses: 0 } });
  try {
    await check(s);
  } finally {
    await s.stop();
  }
});

test('a client that half-closes after its request gets the answer (one HTTP front)', async () => {
  const s = await startTestServer({ server: { feedProcesses: 0, httpFronts: 1 } });
  try {
    await check(s);
  } finally {
    await s.stop();
  }
});

test.run();
