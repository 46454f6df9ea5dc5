import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { KEYS, orderBody, seedHttp, startTestServer, type TestServer } from '../helpers/server.js';
import { tempDataDir } from '../helpers/tmp.js';
import { children } from '../helpers/processes.js';
import { request } from 'node:http';
import { connect, type Socket } from 'node:net';
import { api, atsOf, FeedSocket, startFeedServer, stockOf } from '../feed/feed-socket.js';

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

/** A GET carrying a body (fetch cannot send one): its status and body, as node:http gets them. */
function getWithBody(s: TestServer, path: string, body: string): Promise<{ status: number; type: string | null; auth: string | null; body: string }> {
  return new Promise((resolve, reject) => {
    const r = request(`${s.url}${path}`, { method: 'GET', headers: { authorization: `Bearer ${KEYS.admin}`, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode!, type: res.headers['content-type'] ?? null, auth: res.headers['www-authenticate'] ?? null, body: text }));
    });
    r.on('error', reject);
    r.end(body);
  });
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
    // A body on a GET is read and ignored, as without fronts (a front once forwarded none, and the main
    // process waited for it until the body deadline: 408).
    { ...(await getWithBody(s, '/availability?sku=A', '{}')), raw: undefined },
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
    assert.equal(withFronts.map((x) => x.status), [201, 200, 200, 400, 400, 401, 404, 200]);
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

for (const processes of [0, 1]) {
  test(`with a front, the live feed works: the upgrade goes back to the main process (feed processes: ${processes})`, async () => {
    const { server, stop } = await startFeedServer({ windowMs: 20, processes }, { httpFronts: 1 });
    try {
      assert.is(server.httpFronts.length, 1);
      await api(server, 'PUT', '/locations/BER', { name: 'BER', geo: { lat: 52.52, lon: 13.4 }, country: 'DE' });
      await api(server, 'PUT', '/products/A', { name: 'A' });
      await api(server, 'PUT', '/inventory/BER/A', { onHand: 100 });
      const ws = await FeedSocket.open(server.url);
      ws.send({ op: 'subscribe', pool: 'default', skus: ['A'] });
      assert.is((await ws.next((m) => m.type === 'snapshot')).items[0].ats, 100);
      await api(server, 'POST', '/orders', orderBody('A', 2));
      assert.is((await ws.next(stockOf('A'))).ats, await atsOf(server, 'A'));
      assert.is(await atsOf(server, 'A'), 98);
      // The feed's own checks still answer: no key, 401 before any WebSocket exists.
      const refused = await FeedSocket.open(server.url, { key: null }).then(
        () => 'opened',
        (e: Error) => e.message,
      );
      assert.match(refused, /401/);
      await ws.close();
    } finally {
      await stop();
    }
  });
}

/** A raw keep-alive connection that asks for /health and resolves with the status line it got. */
function health(port: number): Promise<{ socket: Socket; status: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write('GET /health HTTP/1.1\r\nHost: x\r\n\r\n'));
    let got = '';
    socket.on('data', (d) => {
      got += d.toString();
      if (got.includes('\r\n')) resolve({ socket, status: got.slice(0, got.indexOf('\r\n')) });
    });
    socket.on('error', reject);
    socket.on('close', () => resolve({ socket, status: got.slice(0, got.indexOf('\r\n')) || 'closed' }));
  });
}

test('a front that dies is replaced, and its connections stop counting against the per-address cap', async () => {
  const s = await startTestServer({ server: { feedProcesses: 0, httpFronts: 1, maxConnectionsPerAddress: 4 } });
  const held: Socket[] = [];
  try {
    for (let i = 0; i < 4; i++) {
      const c = await health(s.server.port);
      held.push(c.socket);
      assert.is(c.status, 'HTTP/1.1 200 OK');
    }
    const over = await health(s.server.port);
    assert.match(over.status, /^HTTP\/1\.1 429 /, 'the cap holds with fronts');
    const [dead] = s.server.httpFronts;
    process.kill(dead!, 'SIGKILL');
    const deadline = Date.now() + 10_000;
    while (!(s.server.httpFronts.length === 1 && s.server.httpFronts[0] !== dead) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    assert.ok(s.server.httpFronts[0] !== dead && s.server.httpFronts.length === 1, 'a new front replaced the dead one');
    // Wait for the new one to take connections, then the four places the dead front held are free again.
    while ((await health(s.server.port).then((c) => (c.socket.destroy(), c.status))) !== 'HTTP/1.1 200 OK' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    for (let i = 0; i < 4; i++) {
      const c = await health(s.server.port);
      held.push(c.socket);
      assert.is(c.status, 'HTTP/1.1 200 OK', `connection ${i + 1} of 4 after the front died`);
    }
  } finally {
    for (const c of held) c.destroy();
    await s.stop();
  }
});

/** Reads a raw connection until it closes (or `ms` pass): everything it received. */
function drain(socket: Socket, ms = 3_000): Promise<string> {
  return new Promise((resolve) => {
    let got = '';
    const done = () => resolve(got);
    socket.on('data', (d) => (got += d.toString()));
    socket.on('error', () => undefined);
    socket.once('close', done);
    setTimeout(done, ms).unref();
  });
}

test('with a front, a late body gets 408 and an oversized one 413, from the app, with the body gauge and counter kept', async () => {
  const s = await startTestServer({ server: { feedProcesses: 0, httpFronts: 1, bodyTimeoutMs: 400, maxBodyBytes: 1000 } });
  const metric = async (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec((await s.call('GET', '/metrics')).body)?.[1]);
  try {
    const late = connect(s.server.port, '127.0.0.1');
    const lateReply = drain(late);
    late.write(`POST /orders HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${KEYS.storefront}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"ref":`);
    const started = Date.now();
    let receiving = 0;
    while (receiving !== 1 && Date.now() - started < 300) receiving = await metric('fulcrum_http_bodies_receiving');
    assert.is(receiving, 1, 'the gauge counts the body a front is receiving');
    const reply = await lateReply;
    assert.ok(Date.now() - started >= 350, 'not before the deadline');
    assert.match(reply, /^HTTP\/1\.1 408 /);
    assert.match(reply, /connection: close/i);
    const envelope = JSON.parse(reply.slice(reply.indexOf('\r\n\r\n') + 4));
    assert.equal([envelope.error.type, /400 ms/.test(envelope.error.message)], ['request_timeout', true]);
    assert.is(await metric('fulcrum_http_body_timeouts_total'), 1);
    assert.is(await metric('fulcrum_http_bodies_receiving'), 0);

    const big = connect(s.server.port, '127.0.0.1');
    const bigReply = drain(big);
    const chunk = 'x'.repeat(600);
    big.write(`POST /orders HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${KEYS.storefront}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n`);
    big.write(`${chunk.length.toString(16)}\r\n${chunk}\r\n${chunk.length.toString(16)}\r\n${chunk}\r\n`);
    const tooLarge = await bigReply;
    assert.match(tooLarge, /^HTTP\/1\.1 413 /);
    assert.match(tooLarge, /"type":"payload_too_large"/);
    assert.match(tooLarge, /1000 bytes/);
  } finally {
    await s.stop();
  }
});

test('with a front, a bulk load past the normal body limit runs as a job and applies every row, with nothing logged as failed', async () => {
  const s = await startTestServer({ server: { feedProcesses: 0, httpFronts: 1, maxBodyBytes: 2_000 } });
  const errors: unknown[] = [];
  const log = console.error;
  console.error = (...args: unknown[]) => void errors.push(args);
  try {
    await seedHttp(s, SEED);
    const rows = Array.from({ length: 300 }, (_, i) => JSON.stringify({ location: 'BER', sku: 'A', onHand: i + 1 })).join('\n') + '\n';
    const r = await fetch(`${s.url}/inventory/batch`, { method: 'POST', headers: { authorization: `Bearer ${KEYS.admin}`, 'content-type': 'application/x-ndjson' }, body: rows });
    assert.is(r.status, 202);
    const job = ((await r.json()) as { job: { id: string } }).job;
    let done: { status: string; applied: number; rowsRead: number } | undefined;
    const deadline = Date.now() + 5_000;
    while (done?.status !== 'done' && Date.now() < deadline) done = (await s.call('GET', `/jobs/${job.id}`)).body;
    assert.equal([done?.status, done?.rowsRead, done?.applied], ['done', 300, 300]);
    assert.is((await s.call('GET', '/inventory/BER/A')).body.onHand, 300);
    assert.equal(errors, []);
  } finally {
    console.error = log;
    await s.stop();
  }
});

/** NDJSON stock rows `from..to` for SKU A at BER, as the body of a chunked upload (one chunk per call). */
function rowsChunk(from: number, to: number): string {
  const text = Array.from({ length: to - from }, (_, i) => JSON.stringify({ location: 'BER', sku: 'A', onHand: from + i + 1 })).join('\n') + '\n';
  return `${Buffer.byteLength(text).toString(16)}\r\n${text}\r\n`;
}

async function runningJob(s: TestServer, ms = 5_000): Promise<{ id: string; status: string; bytesRead: number; rowsRead: number } | undefined> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    const r = await s.call('GET', '/jobs');
    const items = (r.body as { items: Array<{ id: string; status: string; bytesRead: number; rowsRead: number }> }).items;
    const job = items.find((j) => j.bytesRead > 0);
    if (job) return job;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return undefined;
}

interface JobEnd {
  status: string;
  rowsRead: number;
  error?: { type: string; message: string };
}

/** The job once it stopped running (read through whichever front is up), or its last state after `ms`. */
async function jobEnd(s: TestServer, id: string, ms = 10_000): Promise<JobEnd | undefined> {
  let job: JobEnd | undefined;
  for (const until = Date.now() + ms; Date.now() < until; ) {
    job = await s.call('GET', `/jobs/${id}`).then((r) => r.body as JobEnd, () => job);
    if (job && job.status !== 'running') break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return job;
}

/** What `socket` received once it matches `until` (or after `ms`, whatever came). */
function received(socket: Socket, until: RegExp, ms: number): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    const done = () => {
      clearTimeout(timer);
      socket.off('data', onData);
      resolve(text);
    };
    const onData = (d: Buffer) => {
      text += d.toString('latin1');
      if (until.test(text)) done();
    };
    const timer = setTimeout(done, ms);
    socket.on('data', onData);
  });
}

/** A chunked NDJSON upload to `/inventory/batch` on a raw socket, its first 2,000 rows sent. */
function startUpload(s: TestServer, headers = ''): Socket {
  const socket = connect(s.server.port, '127.0.0.1');
  socket.on('error', () => undefined);
  socket.write(`POST /inventory/batch HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${KEYS.admin}\r\nContent-Type: application/x-ndjson\r\nTransfer-Encoding: chunked\r\n${headers}\r\n`);
  socket.write(rowsChunk(0, 2_000));
  return socket;
}

test('with a front, a bulk upload streams: its job reads rows while the upload is still arriving, and applies every row', async () => {
  const s = await startTestServer({ server: { feedProcesses: 0, httpFronts: 1, maxBodyBytes: 2_000 } });
  try {
    await seedHttp(s, SEED);
    const socket = startUpload(s, 'Connection: close\r\n');
    const reply = drain(socket, 20_000);
    const head = received(socket, /\r\n\r\n/, 5_000);
    // The upload is not over: a front that held the body whole would have forwarded nothing yet.
    const job = await runningJob(s);
    assert.ok(job, 'a job was reading the upload before it ended');
    assert.is(job.status, 'running');
    // The 202 and its Location come at once, as without fronts (its body, the job, once the upload is read):
    // a client can follow the job's progress during its upload. The front once sent it only at the end.
    assert.match(await head, /^HTTP\/1\.1 202 [^]*\r\nlocation: \/jobs\/job_/i, 'the head arrived before the upload ended');
    socket.write(rowsChunk(2_000, 4_000));
    socket.write('0\r\n\r\n');
    const whole = await reply;
    assert.match(whole, /^HTTP\/1\.1 202 /);
    assert.match(whole, new RegExp(`"id":"${job.id}"`), 'the body, the job, followed once the upload was read');
    const done = await jobEnd(s, job.id);
    assert.equal([done?.status, done?.rowsRead], ['done', 4_000]);
    // Rows apply in order: the last one's count stands.
    assert.is(((await s.call('GET', '/inventory/BER/A')).body as { onHand: number }).onHand, 4_000);
  } finally {
    await s.stop();
  }
});

test('with a front, a bulk upload refused from its head (415) has the rest of its body dropped, and its connection serves the next request', async () => {
  const s = await startTestServer({ server: { feedProcesses: 0, httpFronts: 1, maxBodyBytes: 2_000 } });
  try {
    const socket = connect(s.server.port, '127.0.0.1');
    const replies = drain(socket, 10_000);
    socket.write(`POST /inventory/batch HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${KEYS.admin}\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n`);
    // Well past the front's window (4 MiB): a front that stopped reading after the reply would stall here.
    for (let i = 0; i < 5; i++) socket.write(rowsChunk(i * 40_000, (i + 1) * 40_000));
    socket.write('0\r\n\r\n');
    socket.write('GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    const got = await replies;
    assert.match(got, /^HTTP\/1\.1 415 /);
    assert.match(got, /HTTP\/1\.1 200 [^]*"status":"ok"/, 'the next request on the connection was answered');
  } finally {
    await s.stop();
  }
});

test('with a front, a bulk upload cut midway ends its job as failed, and the server goes on serving', async () => {
  const s = await startTestServer({ server: { feedProcesses: 0, httpFronts: 1, maxBodyBytes: 2_000 } });
  try {
    await seedHttp(s, SEED);
    const socket = startUpload(s);
    const job = await runningJob(s);
    assert.ok(job, 'a job was reading the upload');
    socket.destroy();
    const ended = await jobEnd(s, job.id);
    assert.is(ended?.status, 'failed');
    assert.match(ended?.error?.message ?? '', /the upload stopped before its end/);
    assert.is((await s.call('GET', '/health')).status, 200);
  } finally {
    await s.stop();
  }
});

test('with a front, a bulk upload whose front is killed ends its job as failed, and a new front serves', async () => {
  const s = await startTestServer({ server: { feedProcesses: 0, httpFronts: 1, maxBodyBytes: 2_000 } });
  const log = console.error;
  console.error = () => undefined; // the replacement's notice
  try {
    await seedHttp(s, SEED);
    const socket = startUpload(s);
    const job = await runningJob(s);
    assert.ok(job, 'a job was reading the upload');
    process.kill(s.server.httpFronts[0]!, 'SIGKILL');
    const ended = await jobEnd(s, job.id);
    assert.is(ended?.status, 'failed');
    assert.match(ended?.error?.message ?? '', /the upload stopped before its end/);
    socket.destroy();
    let health = 0;
    for (const until2 = Date.now() + 5_000; health !== 200 && Date.now() < until2; ) {
      health = await s.call('GET', '/health').then((r) => r.status, () => 0);
      if (health !== 200) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.is(health, 200, 'the replacement front serves');
  } finally {
    console.error = log;
    await s.stop();
  }
});

test('a server closed while a dead front waits to be replaced starts no replacement (it would outlive the server)', async () => {
  const s = await startTestServer({ server: { feedProcesses: 0, httpFronts: 1 } });
  const [front] = s.server.httpFronts;
  process.kill(front!, 'SIGKILL');
  while (s.server.httpFronts.length > 0) await new Promise((r) => setTimeout(r, 10));
  await s.stop();
  // The replacement would start one second after the death.
  await new Promise((r) => setTimeout(r, 1_500));
  assert.equal(children('front-process.js'), []);
});


/** One sample's value in a `/metrics` scrape (NaN when absent). */
async function sample(s: TestServer, name: string): Promise<number> {
  const r = await s.call('GET', '/metrics', undefined, { key: KEYS.admin });
  const text = typeof r.body === 'string' ? r.body : JSON.stringify(r.body);
  const m = new RegExp(`^${name} (\\S+)$`, 'm').exec(text);
  return m ? Number(m[1]) : NaN;
}

test('with a front, /metrics counts fronts alive, restarts, requests forwarded and IPC messages each way', async () => {
  const s = await startTestServer({ server: { feedProcesses: 0, httpFronts: 1 } });
  try {
    assert.is(await sample(s, 'fulcrum_http_fronts_alive'), 1);
    const before = { fwd: await sample(s, 'fulcrum_http_fronts_requests_forwarded_total'), inn: await sample(s, 'fulcrum_http_fronts_ipc_messages_in_total'), out: await sample(s, 'fulcrum_http_fronts_ipc_messages_out_total') };
    for (let i = 0; i < 5; i++) await s.call('GET', '/health');
    const fwd = await sample(s, 'fulcrum_http_fronts_requests_forwarded_total');
    assert.ok(fwd >= before.fwd + 5, `forwarded ${before.fwd} -> ${fwd}`);
    assert.ok((await sample(s, 'fulcrum_http_fronts_ipc_messages_in_total')) >= before.inn + 5, 'messages in move');
    assert.ok((await sample(s, 'fulcrum_http_fronts_ipc_messages_out_total')) >= before.out + 5, 'messages out move');
    assert.is(await sample(s, 'fulcrum_http_fronts_restarts_total'), 0);
    const [dead] = s.server.httpFronts;
    process.kill(dead!, 'SIGKILL');
    const deadline = Date.now() + 10_000;
    let restarts = 0;
    while (Date.now() < deadline) {
      restarts = await sample(s, 'fulcrum_http_fronts_restarts_total').catch(() => 0);
      if (restarts === 1 && (await sample(s, 'fulcrum_http_fronts_alive').catch(() => 0)) === 1) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.is(restarts, 1, 'the replaced front is counted');
    assert.is(await sample(s, 'fulcrum_http_fronts_alive'), 1);
  } finally {
    await s.stop();
  }
});
test.run();
