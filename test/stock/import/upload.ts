import { request } from 'node:http';

/** A bulk load in flight: the response's status and headers as soon as they arrive, the rest later. */
export interface Upload {
  status: number;
  location: string | undefined;
  /** The response body, once the server has read the whole upload. */
  body: Promise<string>;
  /** Resolves when every piece has been written. */
  sent: Promise<void>;
  /** Hangs up mid-upload. */
  cut(): void;
}

/**
 * Streams `pieces` to `POST /inventory/batch` (or `path`), `gapMs` apart, and resolves at the response's
 * headers (a job answers 202 before the upload ends). With `length` the body carries its Content-Length,
 * else it is chunked.
 */
export function upload(
  url: string,
  key: string,
  pieces: ReadonlyArray<string>,
  options: { contentType?: string; gapMs?: number; length?: boolean; path?: string } = {},
): Promise<Upload> {
  const total = pieces.reduce((n, p) => n + Buffer.byteLength(p), 0);
  return new Promise((resolve, reject) => {
    const req = request(`${url}${options.path ?? '/inventory/batch'}`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${key}`,
        'content-type': options.contentType ?? 'application/x-ndjson',
        ...(options.length === false ? {} : { 'content-length': total }),
      },
    });
    let sentDone!: () => void;
    const sent = new Promise<void>((r) => (sentDone = r));
    req.on('error', reject);
    req.on('close', () => sentDone());
    req.on('response', (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (text += d));
      const body = new Promise<string>((done, failed) => {
        res.on('end', () => done(text));
        res.on('error', failed);
      });
      // A test that kills the server mid-upload never reads the body: its failure is expected then.
      body.catch(() => undefined);
      resolve({ status: res.statusCode ?? 0, location: res.headers.location, body, sent, cut: () => req.destroy() });
    });
    void (async () => {
      for (const piece of pieces) {
        if (req.destroyed) return;
        if (!req.write(piece)) await new Promise((r) => req.once('drain', r));
        if (options.gapMs) await new Promise((r) => setTimeout(r, options.gapMs));
      }
      req.end();
      sentDone();
    })().catch(reject);
  });
}

/** NDJSON (or CSV) lines cut into `count` pieces of whole lines. */
export function piecesOf(lines: ReadonlyArray<string>, count: number): string[] {
  const per = Math.ceil(lines.length / count);
  const out: string[] = [];
  for (let i = 0; i < lines.length; i += per) out.push(lines.slice(i, i + per).join('\n') + '\n');
  return out;
}

/** Polls a job until it is no longer running. */
export async function finished(call: (path: string) => Promise<any>, path: string, timeoutMs = 20_000): Promise<any> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const job = await call(path);
    if (job.status !== 'running') return job;
    if (Date.now() > until) throw new Error(`job still running after ${timeoutMs} ms: ${JSON.stringify(job)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Polls a job until some of its load is on disk (`applied` > 0), checking that it still runs; returns what it showed. */
export async function firstDurable(call: (path: string) => Promise<any>, path: string): Promise<any> {
  for (;;) {
    const shown = await call(path);
    if (shown.applied > 0) return shown;
    if (shown.status !== 'running') throw new Error(`the job ended before anything of it was seen on disk: ${JSON.stringify(shown)}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
