import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { KEYS, startTestServer, type TestServer } from '../helpers/server.js';
import { envelopeProblem } from './http-fuzz.js';
import { sendRaw } from './http-request.js';

/** What the fuzzer found, kept as plain cases: each failed before its fix. */
const t = suite<{ s: TestServer }>('fuzzing regressions');

t.before(async (ctx) => {
  ctx.s = await startTestServer({ server: { feedProcesses: 0 } });
});
t.after(async (ctx) => ctx.s.stop());

const AUTH = `Authorization: Bearer ${KEYS.admin}\r\n`;

async function raw(s: TestServer, text: string) {
  return sendRaw(s.server.port, Buffer.from(text, 'latin1'), 5_000);
}

async function served5xx(s: TestServer): Promise<number> {
  const metrics = String((await s.call('GET', '/metrics')).body);
  return [...metrics.matchAll(/^fulcrum_http_requests_total\{[^}]*status="5\d\d"[^}]*\} (\d+)$/gm)].reduce((n, m) => n + Number(m[1]), 0);
}

t('an id longer than a storage key is simply not found (it was a 500 from LMDB)', async ({ s }) => {
  const long = 'x'.repeat(5000);
  for (const [method, path] of [
    ['GET', `/orders/${long}`],
    ['GET', `/orders/${long}/sourcing`],
    ['POST', `/orders/${long}/cancel`],
    ['GET', `/holds/${long}`],
    ['DELETE', `/holds/${long}`],
    ['GET', `/returns/${'\u00e9'.repeat(2500)}`],
    ['POST', `/alerts/${long}/resolve`],
    ['GET', `/jobs/${long}`],
    ['POST', `/webhooks/dead/${'x'.repeat(2500)}@${'y'.repeat(2500)}/replay`],
    ['DELETE', `/webhooks/dead/${'x'.repeat(2500)}@${'y'.repeat(2500)}`],
  ] as const) {
    const r = await s.call(method, path);
    assert.is(r.status, 404, `${method} ${path.slice(0, 30)}...`);
    assert.is(r.body.error.type, 'not_found');
  }
  assert.is(await served5xx(s), 0);
});

t('a body cut short by the client is a 400, not a 500 the server counts', async ({ s }) => {
  for (const text of [
    `POST /orders HTTP/1.1\r\nHost: x\r\n${AUTH}Content-Length: 100\r\n\r\n{"customer":`,
    `POST /orders HTTP/1.1\r\nHost: x\r\n${AUTH}Transfer-Encoding: chunked\r\n\r\n10\r\n{"cust`,
    `POST /orders HTTP/1.1\r\nHost: x\r\n${AUTH}Idempotency-Key: cut-1\r\nContent-Length: 100\r\n\r\n{`,
  ]) {
    const r = await raw(s, text);
    assert.is(r.status, 400);
    assert.is(envelopeProblem(r), undefined);
  }
  await new Promise((r) => setTimeout(r, 50));
  assert.is(await served5xx(s), 0, 'no 5xx in /metrics');
});

t('requests the HTTP parser refuses get the envelope (they got a bare 400 or 431)', async ({ s }) => {
  for (const text of [
    `GET /locations HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer a\u0000b\r\n\r\n`,
    `GET /locations HTTP/1.1\r\nHost: x\r\n${AUTH}Idempotency-Key: a\u001bb\r\n\r\n`,
    `GET /locations HTTP/1.1\r\nHost: x\r\n${AUTH}X-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
    `POST /orders HTTP/1.1\r\nHost: x\r\n${AUTH}Content-Length: -1\r\n\r\n{}`,
    `POST /orders HTTP/1.1\r\nHost: x\r\n${AUTH}Transfer-Encoding: gzip\r\n\r\n{}`,
    `GARBAGE\r\n\r\n`,
    `OPTIONS * HTTP/1.1\r\nHost: x\r\n${AUTH}\r\n`,
  ]) {
    const r = await raw(s, text);
    assert.is(r.status, 400, JSON.stringify(text.slice(0, 60)));
    assert.is(envelopeProblem(r), undefined, JSON.stringify(text.slice(0, 60)));
  }
});

t('a request without a Host header is served (Node answered it with a bare 400)', async ({ s }) => {
  const r = await raw(s, `GET /locations HTTP/1.1\r\n${AUTH}Connection: close\r\n\r\n`);
  assert.is(r.status, 200);
});

t('a WebSocket handshake ws cannot complete is refused in the envelope (it was a text/html page)', async () => {
  for (const processes of [0, 1]) {
    const s = await startTestServer({ server: { feedProcesses: processes } });
    try {
      const upgrade = `Host: x\r\n${AUTH}Connection: Upgrade\r\nUpgrade: websocket\r\n`;
      for (const text of [
        `GET /ws HTTP/1.1\r\n${upgrade}Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: bad\r\n\r\n`,
        `GET /ws HTTP/1.1\r\n${upgrade}Sec-WebSocket-Version: 99\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n`,
        `GET /ws HTTP/1.1\r\n${upgrade}Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Protocol: fulcrum.msgpack, fulcrum.msgpack\r\n\r\n`,
        `POST /ws HTTP/1.1\r\n${upgrade}Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n`,
      ]) {
        const r = await raw(s, text);
        assert.is(r.status, 400, `feed processes ${processes}: ${JSON.stringify(text.slice(0, 40))}`);
        assert.is(envelopeProblem(r), undefined);
        assert.match(r.text, /WebSocket handshake is not valid/);
      }
    } finally {
      await s.stop();
    }
  }
});

t.run();
