import type { IncomingMessage } from 'node:http';
import type { HttpBindings } from '@hono/node-server';
import type { MiddlewareHandler } from 'hono';
import { DomainError } from '../domain/errors.js';
import type { AppEnv } from './app-env.js';

/** How long a request body may take to arrive whole after its headers, unless configured. */
export const DEFAULT_BODY_TIMEOUT_MS = 5_000;

/** Bodies being received now, and how many did not arrive in time since start. */
export interface Receiving {
  current: number;
  timedOut: number;
}

export interface ReceiveBodyOptions {
  /** Largest body, in bytes: a larger Content-Length is refused before reading, a longer chunked body when it passes. */
  maxBytes: number;
  /** The body must be complete this long after the request's headers arrived. */
  deadlineMs: number;
  counter: Receiving;
}

/**
 * Reads a request's whole body before the request goes any further, within a deadline (408 past it) and a
 * size limit (413). A request whose body is still arriving holds no in-flight slot (the in-flight bound comes
 * after this), so clients dripping bodies a byte a second cannot take the slots of complete requests;
 * the deadline bounds how long they hold a connection and a buffer.
 *
 * The bytes go to `incoming.rawBody`, where @hono/node-server's `c.req.arrayBuffer()` and `c.req.raw` take
 * them from: routes read the body as before, with no web stream built on the order path.
 */
export function receiveBody({ maxBytes, deadlineMs, counter }: ReceiveBodyOptions): MiddlewareHandler<AppEnv> {
  return async function receiveBody(c, next) {
    const chunked = c.req.header('transfer-encoding') !== undefined;
    const length = c.req.header('content-length');
    if (!chunked && (length === undefined || length === '0')) return next();
    if (!chunked && Number(length) > maxBytes) throw tooLarge(maxBytes);
    const incoming = (c.env as HttpBindings).incoming as IncomingMessage & { rawBody?: Buffer; frontCut?: 'request_timeout' | 'payload_too_large' };
    // An HTTP front process (experimental) read the body already, or stopped reading it at the limit or the
    // deadline: the same answers and counts as when the body is read here.
    if (incoming.rawBody !== undefined) return next();
    if (incoming.frontCut === 'payload_too_large') throw tooLarge(maxBytes);
    if (incoming.frontCut === 'request_timeout') {
      counter.timedOut++;
      throw lateBody(deadlineMs);
    }
    counter.current++;
    try {
      incoming.rawBody = await readWhole(incoming, maxBytes, deadlineMs);
    } catch (e) {
      if (e instanceof DomainError && e.type === 'request_timeout') counter.timedOut++;
      throw e;
    } finally {
      counter.current--;
    }
    return next();
  };
}

function lateBody(deadlineMs: number): DomainError {
  return new DomainError('request_timeout', `the request body did not arrive within ${deadlineMs} ms of its headers; send it whole, then retry`);
}

function tooLarge(maxBytes: number): DomainError {
  return new DomainError('payload_too_large', `request bodies are limited to ${maxBytes} bytes`);
}

/** The body's bytes once it has all arrived; rejects past the deadline, past `maxBytes`, or when the client goes away. */
function readWhole(incoming: IncomingMessage, maxBytes: number, deadlineMs: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const finish = (settle: () => void) => {
      clearTimeout(timer);
      incoming.off('data', onData).off('end', onEnd).off('error', onError).off('close', onClose);
      settle();
    };
    const fail = (error: Error) => {
      // Stop taking the rest: the reply closes the connection, and unread bytes are not buffered meanwhile.
      incoming.pause();
      finish(() => reject(error));
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) fail(tooLarge(maxBytes));
      else chunks.push(chunk);
    };
    const onEnd = () => finish(() => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size)));
    const onError = (error: Error) => finish(() => reject(error));
    // The client closed before the end of its body: the error handler's "cut short" case.
    const onClose = () => finish(() => reject(Object.assign(new Error('the client closed the connection before its body was complete'), { code: 'ECONNRESET' })));
    const timer = setTimeout(() => {
      fail(lateBody(deadlineMs));
    }, deadlineMs);
    incoming.on('data', onData).on('end', onEnd).on('error', onError).on('close', onClose);
  });
}
