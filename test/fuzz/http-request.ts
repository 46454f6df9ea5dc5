import { Agent, request } from 'node:http';
import { connect } from 'node:net';

/** A request as the fuzzer sends it: the target already encoded, headers as given, the body as bytes. */
export interface FuzzRequest {
  method: string;
  target: string;
  headers: Record<string, string>;
  body?: Uint8Array;
  /** Send the body with `Transfer-Encoding: chunked` in pieces of this many bytes. */
  chunkBytes?: number;
}

export interface FuzzResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

const agent = new Agent({ keepAlive: true, maxSockets: 4 });

/**
 * Sends one request over a kept-alive connection. A server that answers before it has read the whole body
 * (413 on the Content-Length alone) may reset the connection while the rest is still being written: the
 * answer that arrived first is what counts, and the write error that follows is ignored.
 */
export function send(port: number, req: FuzzRequest, timeoutMs = 15_000): Promise<FuzzResponse> {
  return new Promise((resolve, reject) => {
    let answered = false;
    const headers: Record<string, string> = { ...req.headers };
    if (req.body && req.chunkBytes === undefined) headers['content-length'] = String(req.body.length);
    // Named explicitly: Node frames a GET's body as chunked only when told to.
    if (req.body && req.chunkBytes !== undefined) headers['transfer-encoding'] = 'chunked';
    const r = request({ host: '127.0.0.1', port, method: req.method, path: req.target, headers, agent }, (res) => {
      answered = true;
      const chunks: Buffer[] = [];
      res.on('data', (d: Buffer) => chunks.push(d));
      res.on('end', () => {
        clearTimeout(timer);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') });
      });
      res.on('error', (e) => {
        clearTimeout(timer);
        reject(e);
      });
    });
    const timer = setTimeout(() => {
      r.destroy();
      reject(new Error(`no answer within ${timeoutMs} ms (a hang)`));
    }, timeoutMs);
    r.on('error', (e) => {
      if (answered) return;
      clearTimeout(timer);
      reject(e);
    });
    if (req.body && req.chunkBytes !== undefined) {
      // At most 256 chunks: byte-sized chunks of a 100 KB body would cost the client more than the server.
      const step = Math.max(1, req.chunkBytes, Math.ceil(req.body.length / 256));
      for (let i = 0; i < req.body.length; i += step) r.write(req.body.subarray(i, i + step));
      r.end();
    } else {
      r.end(req.body);
    }
  });
}

/**
 * Writes raw bytes on a fresh connection and reads until the server closes it: for requests no HTTP client
 * would send (control characters in headers, headers past the size limit). Returns the status line's code
 * and the body after the blank line.
 */
export function sendRaw(port: number, bytes: Uint8Array, timeoutMs = 15_000): Promise<FuzzResponse> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer within ${timeoutMs} ms (a hang)`));
    }, timeoutMs);
    socket.on('data', (d) => chunks.push(d));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      const raw = Buffer.concat(chunks).toString('latin1');
      const cut = raw.indexOf('\r\n\r\n');
      const head = cut >= 0 ? raw.slice(0, cut) : raw;
      const headers: Record<string, string> = {};
      for (const line of head.split('\r\n').slice(1)) {
        const colon = line.indexOf(':');
        if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
      }
      const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(head)?.[1] ?? 0);
      const body = cut >= 0 ? raw.slice(cut + 4) : '';
      const text = Buffer.from(headers['transfer-encoding'] === 'chunked' ? unchunk(body) : body, 'latin1').toString('utf8');
      resolve({ status, headers, text });
    });
    socket.end(bytes);
  });
}

function unchunk(body: string): string {
  let out = '';
  let rest = body;
  for (;;) {
    const eol = rest.indexOf('\r\n');
    const size = parseInt(rest.slice(0, eol), 16);
    if (!(size > 0)) return out;
    out += rest.slice(eol + 2, eol + 2 + size);
    rest = rest.slice(eol + 2 + size + 2);
  }
}

/** Closes the kept-alive connections (at the end of a run). */
export function closeConnections(): void {
  agent.destroy();
}
