import type { ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Agent, request } from 'node:http';
import { startProcess, stop } from '../lib/processes.js';

export const KEY = 'bench-bulk-admin-key-01';
const MAIN = fileURLToPath(new URL('../../src/main.js', import.meta.url));

/** A Fulcrum server in its own process, measured from the outside. */
export interface ServerProcess {
  url: string;
  child: ChildProcess;
  exited: Promise<void>;
  stop(): Promise<void>;
}

/** Starts `dist/src/main.js` on a fresh data dir; `nodeArgs` such as `--cpu-prof` go to node, `args` to Fulcrum. */
export async function startServer(dataDir: string, nodeArgs: string[] = [], args: string[] = []): Promise<ServerProcess> {
  const p = await startProcess(MAIN, ['--data-dir', dataDir, '--port', '0', ...args], { env: { FULCRUM_API_KEYS: `${KEY}:admin` }, nodeArgs });
  return { ...p, stop: () => stop(p) };
}

const agent = new Agent({ keepAlive: true, maxSockets: 32 });

/** A JSON call to the server with the bench's admin key. */
export async function call(url: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(url + path, {
    method,
    headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, body: text.startsWith('{') || text.startsWith('[') ? JSON.parse(text) : text };
}

/** Like `call`, but throws on anything but 2xx. */
export async function must(url: string, method: string, path: string, body?: unknown): Promise<any> {
  const r = await call(url, method, path, body);
  if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

/**
 * Streams `pieces` as the body of `POST /inventory/batch` (or `path`; NDJSON, with its Content-Length),
 * honouring the socket's backpressure, and resolves with the job's path from the 202's Location header.
 */
export function postBatch(url: string, pieces: Buffer[], bytes: number, path = '/inventory/batch'): Promise<{ status: number; location: string | undefined; body: Promise<string> }> {
  return new Promise((resolve, reject) => {
    const req = request(url + path, {
      method: 'POST',
      agent,
      headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/x-ndjson', 'content-length': bytes },
    });
    req.on('response', (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (text += d));
      const body = new Promise<string>((done, failed) => {
        res.on('end', () => done(text));
        res.on('error', failed);
      });
      resolve({ status: res.statusCode ?? 0, location: res.headers.location, body });
    });
    req.on('error', reject);
    let i = 0;
    const write = (): void => {
      while (i < pieces.length) {
        if (!req.write(pieces[i++]!)) {
          req.once('drain', write);
          return;
        }
      }
      req.end();
    };
    write();
  });
}

/** A Prometheus gauge's value from `GET /metrics`. */
export async function metric(url: string, name: string): Promise<number> {
  const text = (await call(url, 'GET', '/metrics')).body as string;
  const m = new RegExp(`^${name} (\\S+)$`, 'm').exec(text);
  return m ? Number(m[1]) : NaN;
}

/** Resident memory of a process in bytes (VmRSS). */
export function rssBytes(pid: number): number {
  return kib(pid, 'VmRSS') * 1024;
}

/** Peak resident memory since the last `resetPeakRss` (VmHWM), in bytes. */
export function peakRssBytes(pid: number): number {
  return kib(pid, 'VmHWM') * 1024;
}

/** Resets VmHWM to the current RSS (Linux: writing 5 to clear_refs); returns false where not allowed. */
export function resetPeakRss(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

function kib(pid: number, field: string): number {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) : NaN;
}
