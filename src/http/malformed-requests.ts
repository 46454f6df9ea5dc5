import type { Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { RequestError } from '@hono/node-server';

/**
 * Answers the requests Node's HTTP parser refuses before any route sees them (a control character in a
 * header, a broken request line or body framing, headers past 16 KiB) with a 400 in the error envelope,
 * like every other refusal, instead of Node's bare `400 Bad Request`. The connection is closed after it:
 * the bytes that follow cannot be trusted to frame another request.
 */
export function answerMalformedRequests(server: Server): void {
  server.on('clientError', (err: NodeJS.ErrnoException & { reason?: string }, socket: Duplex) => {
    // A peer that is gone, or a connection already carrying an answer, gets nothing more (as Node does).
    const answering = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage?.headersSent === true;
    if (err.code === 'ECONNRESET' || !socket.writable || answering) {
      socket.destroy();
      return;
    }
    const body = JSON.stringify({ error: { type: 'invalid_request', message: messageOf(err), details: [] } });
    socket.end(`HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
  });
}

/**
 * Answers a client that ends its side of the connection after its request (a shutdown(SHUT_WR), as `nc -N`,
 * some HTTP/1.0 clients and proxies do). Node's default is to end the socket as soon as the client's end
 * arrives, so an answer that comes later (an order waits for its journal flush, a front waits for the engine's
 * process) was dropped, the connection closed without a reply, while the order it carried was placed. Node
 * then keeps the connection until the pending answer is written and closes it after. A client that ends with
 * its body incomplete is still a broken request, and an idle one is closed at once.
 */
export function answerHalfClosedClients(server: Server): void {
  (server as Server & { httpAllowHalfOpen: boolean }).httpAllowHalfOpen = true;
}

function messageOf(err: NodeJS.ErrnoException & { reason?: string }): string {
  if (err.code === 'HPE_HEADER_OVERFLOW') return 'the request headers are larger than the server accepts (16 KiB)';
  if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT') return 'the request did not arrive in time';
  return `the request is not valid HTTP/1.1: ${err.reason ?? err.message}`;
}

/**
 * The answer to a request the HTTP adapter cannot turn into a web Request (no Host header, a target such
 * as `*` or an absolute URL with a bad host): a 400 in the envelope instead of the adapter's empty one.
 * Anything else reaching here escaped the app's own error handler: a 500 in the envelope.
 */
export function unreadableRequest(err: unknown): Response {
  const error =
    err instanceof RequestError
      ? { status: 400, type: 'invalid_request', message: `the request cannot be read: ${err.message}` }
      : { status: 500, type: 'internal', message: 'internal error; the request may not have been applied' };
  if (error.status === 500) console.error('unexpected error outside the app', err);
  return Response.json({ error: { type: error.type, message: error.message, details: [] } }, { status: error.status });
}
