import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { BodyCut, FromFront, FrontReply, FrontRequest, StreamPiece, ToFront } from './front-ipc.js';
import { answerHalfClosedClients, answerMalformedRequests } from './malformed-requests.js';

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
let pieces: StreamPiece[] = [];
/**
 * Bytes of one streamed body forwarded and not yet read by the app: past this the front stops reading the
 * socket (TCP pushes back on the client) until the main process says it read them, so neither process holds
 * more than about this much of an upload, whatever its size.
 */
const STREAM_WINDOW = 4 * 1024 * 1024;
/** A bulk load's body being forwarded as it arrives; `answered` once a reply came (the rest is read and dropped). */
interface Streamed {
  req: IncomingMessage;
  unacked: number;
  answered: boolean;
}
const streams = new Map<number, Streamed>();
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
    // After the requests: a streamed body's first pieces may come in the turn that read its head.
    if (pieces.length > 0) send({ t: 'pieces', pieces });
    if (bodies !== bodiesSent) send({ t: 'bodies', receiving: (bodiesSent = bodies) });
    if (gone.length > 0) send({ t: 'gone', conns: gone });
    requests = [];
    pieces = [];
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
  if (bulk && !bodyless) {
    stream(id, conn, req, res);
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

/**
 * A bulk load's body goes to the main process as it arrives, as without fronts the route reads it from the
 * socket: the request first, then its pieces, within `STREAM_WINDOW` bytes not yet read there. Its limit,
 * its progress and its failures are the app's, as without fronts.
 */
function stream(id: number, conn: number, req: IncomingMessage, res: ServerResponse): void {
  const s: Streamed = { req, unacked: 0, answered: false };
  streams.set(id, s);
  waiting.set(id, res);
  requests.push([id, conn, req.method ?? 'POST', req.url ?? '/', req.headers, undefined, undefined, 1]);
  schedule();
  req.on('data', (chunk: Buffer) => {
    if (s.answered) return;
    pieces.push([id, chunk]);
    s.unacked += chunk.length;
    if (s.unacked > STREAM_WINDOW) req.pause();
    schedule();
  });
  req.on('end', () => {
    if (!s.answered) pieces.push([id, 'end']);
    streams.delete(id);
    schedule();
  });
  // The client went away before the end: the app's read fails, as it does when its socket closes.
  req.on('close', () => {
    if (!streams.delete(id) || s.answered) return;
    pieces.push([id, 'abort']);
    schedule();
  });
}

function acknowledged(id: number, bytes: number): void {
  const s = streams.get(id);
  if (!s) return;
  s.unacked -= bytes;
  if (!s.answered && s.unacked <= STREAM_WINDOW / 2 && s.req.isPaused()) s.req.resume();
}

/** Bodies this front is receiving now; sent to the main process when it changed. */
let bodies = 0;
let bodiesSent = 0;

function bodiesChanged(by: number): void {
  bodies += by;
  schedule();
}
server.keepAliveTimeout = 65_000;
answerMalformedRequests(server);
answerHalfClosedClients(server);
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

function answer([id, status, headers, body, bytes, open]: FrontReply): void {
  const res = waiting.get(id);
  if (!res) return;
  const payload = bytes && typeof body === 'string' ? Buffer.from(body, 'latin1') : (body ?? undefined);
  // A reply whose body streams: its head and pieces as they come (status 0 after the first), its end last.
  if (open) {
    if (res.destroyed) return;
    if (status !== 0) {
      res.writeHead(status, headers);
      res.flushHeaders();
      // The client gone midway: the main process ends its side then too, and nothing more is waited for.
      res.once('close', () => waiting.delete(id));
    }
    if (payload !== undefined) res.write(payload);
    return;
  }
  waiting.delete(id);
  if (res.destroyed) return;
  if (status !== 0) res.writeHead(status, headers);
  res.end(payload);
  // A body answered before the front read it all (a bulk body refused from its head, a body cut at the limit)
  // was paused or is still streaming. node:http dumps an unread body only when nobody read it, and this
  // process did: resumed, the rest is dropped (its listeners ignore it once answered or settled), and the
  // kept-alive connection's next request is parsed instead of waiting behind it.
  const s = streams.get(id);
  if (s) s.answered = true;
  if (res.req.isPaused()) res.req.resume();
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
      // A socket passed over IPC is rebuilt without the half-open flag node:http's own listener sets.
      (socket as Socket & { allowHalfOpen: boolean }).allowHalfOpen = true;
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
    case 'acks':
      for (const [id, bytes] of message.acks) acknowledged(id, bytes);
      break;
    case 'drop':
      // As `incoming.destroy()` without fronts: the connection closes, the client sees its upload cut.
      for (const id of message.ids) {
        const s = streams.get(id);
        if (!s) continue;
        s.answered = true;
        streams.delete(id);
        s.req.destroy();
      }
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
