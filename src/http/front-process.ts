import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { BodyCut, FromFront, FrontReply, FrontRequest, ToFront } from './front-ipc.js';
import { answerMalformedRequests } from './malformed-requests.js';

/**
 * Entry of an HTTP front process (experimental, forked by `HttpFronts`): it receives accepted connections
 * from the main process, parses their requests with node:http, reads each body whole, and forwards the
 * request to the main process, which serves it through the app and sends back status, headers and body.
 * The engine's thread then does no socket reads or writes and no HTTP parsing.
 */
let maxBodyBytes = 1024 * 1024;
let maxBatchBytes = 1024 ** 3;
let bodyTimeoutMs = 5_000;
/** The bulk loads' paths (as in app.ts): their limit is the larger one. */
const BULK_PATHS = new Set(['/inventory/batch', '/inbound/batch']);
const JSON_CHANNEL = process.env.FULCRUM_HTTP_FRONTS_IPC === 'json';
let nextRequest = 1;
const waiting = new Map<number, ServerResponse>();
const connIds = new WeakMap<Socket, number>();
let requests: FrontRequest[] = [];
let gone: number[] = [];
let flushing = false;

function send(message: FromFront, then: () => void = () => undefined): void {
  if (process.connected) process.send!(message, undefined, {}, then);
}

/** What one turn of the event loop produced goes in one message. */
function schedule(): void {
  if (flushing) return;
  flushing = true;
  setImmediate(() => {
    flushing = false;
    if (requests.length > 0) send({ t: 'requests', requests });
    if (bodies !== bodiesSent) send({ t: 'bodies', receiving: (bodiesSent = bodies) });
    if (gone.length > 0) send({ t: 'gone', conns: gone });
    requests = [];
    gone = [];
  });
}

const server = createServer({ requireHostHeader: false }, (req: IncomingMessage, res: ServerResponse) => {
  const conn = connIds.get(req.socket) ?? 0;
  const id = nextRequest++;
  const length = req.headers['content-length'];
  // A body is read whatever the method, as the main process's `receiveBody` does without fronts: a GET that
  // declares one and gets none forwarded would wait there for it until the body deadline (408).
  const bodyless = length === undefined && req.headers['transfer-encoding'] === undefined;
  const bulk = BULK_PATHS.has((req.url ?? '/').split('?')[0]!);
  const max = bulk ? maxBatchBytes : maxBodyBytes;
  // A declared length past the limit: the app refuses it (413) from the header alone, as without fronts.
  if (req.headers['transfer-encoding'] === undefined && length !== undefined && Number(length) > max) {
    req.pause();
    waiting.set(id, res);
    requests.push([id, conn, req.method ?? 'GET', req.url ?? '/', req.headers, undefined]);
    schedule();
    return;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  let settled = false;
  // A body still arriving is counted (the main process's gauge) and must arrive whole within the deadline;
  // a bulk load's is neither, as without fronts (it streams, under its own limit).
  const receiving = !bulk && !bodyless && (length !== undefined ? length !== '0' : req.headers['transfer-encoding'] !== undefined);
  if (receiving) bodiesChanged(+1);
  const settle = () => {
    settled = true;
    clearTimeout(timer);
    if (receiving) bodiesChanged(-1);
  };
  // Too large or too late: the rest is not read, and the main process answers the request as the app does
  // when it reads the body itself (413 or 408 in the envelope, the connection closed, the counters kept).
  const cut = (why: BodyCut) => {
    settle();
    req.pause();
    waiting.set(id, res);
    requests.push([id, conn, req.method ?? 'GET', req.url ?? '/', req.headers, undefined, why]);
    schedule();
  };
  const timer = receiving ? setTimeout(() => settled || cut('request_timeout'), bodyTimeoutMs) : undefined;
  req.on('data', (chunk: Buffer) => {
    if (settled) return;
    size += chunk.length;
    if (size <= max) chunks.push(chunk);
    else cut('payload_too_large');
  });
  req.on('end', () => {
    if (settled) return;
    settle();
    waiting.set(id, res);
    const body = bodyless ? undefined : chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size);
    requests.push([id, conn, req.method ?? 'GET', req.url ?? '/', req.headers, JSON_CHANNEL && body ? body.toString('latin1') : body]);
    schedule();
  });
  // The client went away before its body was whole: nobody is left to answer.
  req.on('close', () => settled || settle());
});

/** Bodies this front is receiving now; sent to the main process when it changed. */
let bodies = 0;
let bodiesSent = 0;

function bodiesChanged(by: number): void {
  bodies += by;
  schedule();
}
server.keepAliveTimeout = 65_000;
answerMalformedRequests(server);
// The feed lives in the main process: an upgrade goes back there with its socket, which this process then
// lets go (sent untracked and kept open until sent, as the main process hands sockets to feed processes).
server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
  socket.pause();
  if (!process.connected) {
    socket.destroy();
    return;
  }
  (socket as Socket & { server: unknown }).server = null;
  const message: FromFront = { t: 'upgrade', method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers, head };
  process.send!(message, socket, { keepOpen: true }, () => socket.destroy());
});

function answer([id, status, headers, body, bytes]: FrontReply): void {
  const res = waiting.get(id);
  if (!res) return;
  waiting.delete(id);
  if (res.destroyed) return;
  res.writeHead(status, headers);
  res.end(bytes && typeof body === 'string' ? Buffer.from(body, 'latin1') : (body ?? undefined));
}

process.on('message', (message: ToFront, handle: unknown) => {
  switch (message.t) {
    case 'init':
      maxBodyBytes = message.maxBodyBytes;
      maxBatchBytes = message.maxBatchBytes;
      bodyTimeoutMs = message.bodyTimeoutMs;
      send({ t: 'ready' });
      break;
    case 'conn': {
      // The handle is missing when the client went away while the socket was in transit.
      if (!handle) {
        gone.push(message.id);
        schedule();
        break;
      }
      const socket = handle as Socket;
      connIds.set(socket, message.id);
      socket.once('close', () => {
        gone.push(message.id);
        schedule();
      });
      server.emit('connection', socket);
      break;
    }
    case 'replies':
      for (const reply of message.replies) answer(reply);
      break;
    case 'close':
      server.close(() => send({ t: 'ready' }, () => process.exit(0)));
      server.closeIdleConnections();
      setTimeout(() => server.closeAllConnections(), 2000).unref();
      break;
  }
});

// Without the main process there is nothing to serve: the clients reconnect to its replacement.
process.on('disconnect', () => process.exit(0));
