import type { EventEmitter } from 'node:events';
import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import type { HttpBindings } from '@hono/node-server';
import type { MiddlewareHandler } from 'hono';
import { DomainError } from '../domain/errors.js';
import type { AppEnv } from './app-env.js';

/** Connections open at once per API key and per client address, unless configured. */
export const DEFAULT_CONNECTION_CAPS = { perKey: 4096, perAddress: 16_384 };

/** Connections refused since start, by the cap that refused them. */
export interface RefusedConnections {
  perKey: number;
  perAddress: number;
}

/** Open connections per owner (a key id, an address), counted up on open and down on close. */
class OpenCounts {
  private readonly counts = new Map<string, number>();

  get(owner: string): number {
    return this.counts.get(owner) ?? 0;
  }

  add(owner: string): void {
    this.counts.set(owner, this.get(owner) + 1);
  }

  remove(owner: string): void {
    const n = this.get(owner) - 1;
    if (n > 0) this.counts.set(owner, n);
    else this.counts.delete(owner);
  }
}

/**
 * Caps the connections one client address may hold open (the feed's before they are handed to a feed
 * process included). Past the cap a new connection gets `429` in the envelope at once and is closed, before
 * it can send anything, so one host cannot exhaust the server's descriptors. Behind a proxy every client
 * shares the proxy's address: raise the cap there.
 */
export function capConnectionsPerAddress(server: Pick<Server, 'on'> | EventEmitter, max: number, refused: RefusedConnections): void {
  const open = new OpenCounts();
  server.on('connection', (socket: Socket) => {
    const address = socket.remoteAddress ?? 'unknown';
    if (open.get(address) >= max) {
      refused.perAddress++;
      const body = JSON.stringify({ error: { type: 'rate_limited', message: `${max} connections from ${address} are open already; close one or retry later`, details: [] } });
      socket.on('error', () => undefined);
      socket.end(`HTTP/1.1 429 Too Many Requests\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nRetry-After: 1\r\nConnection: close\r\n\r\n${body}`);
      // A peer that never reads must not keep the socket.
      setTimeout(() => socket.destroy(), 1000).unref();
      return;
    }
    open.add(address);
    socket.once('close', () => open.remove(address));
  });
}

/**
 * Caps the connections one API key may hold open: a connection belongs to the key of its latest request.
 * A request that would open one more past the cap gets `429` and its connection is closed; the key's
 * connections already open keep being served, and other keys are not affected. Runs after authentication.
 */
export function capConnectionsPerKey(max: number, refused: RefusedConnections): MiddlewareHandler<AppEnv> {
  const open = new OpenCounts();
  const owners = new WeakMap<Socket, string>();
  return function capConnectionsPerKey(c, next) {
    const socket = (c.env as HttpBindings).incoming.socket;
    const key = c.get('principal').keyId;
    const owner = owners.get(socket);
    if (owner === key) return next();
    if (open.get(key) >= max) {
      refused.perKey++;
      c.header('Retry-After', '1');
      c.header('Connection', 'close');
      throw new DomainError('rate_limited', `this API key has ${max} connections open already; reuse them (keep-alive) or close one`);
    }
    open.add(key);
    if (owner === undefined) socket.once('close', () => open.remove(owners.get(socket)!));
    else open.remove(owner);
    owners.set(socket, key);
    return next();
  };
}
