import { Agent, request } from 'node:http';

/** What a paced load produced. */
export interface PacedResult {
  sent: number;
  failed: number;
  firstFailure?: string;
  perSecond: number;
}

/** Ticks of the pacer: at 1,000/s, five requests go out every 5 ms. */
const TICK_MS = 5;
/** Requests in flight at most; beyond it the pacer falls behind rather than piling up connections. */
const MAX_IN_FLIGHT = 256;

/**
 * POSTs `body` to `url` at a steady `rate` for `seconds`: every tick sends what the elapsed time calls for.
 * (autocannon's `overallRate` sends each second's budget in a burst at the start of the second, which
 * makes commits, windows and staleness come in waves.) A function `body` is called once per request.
 */
export async function pacedPosts(url: string, headers: Record<string, string>, body: string | (() => string), rate: number, seconds: number): Promise<PacedResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const target = new URL(url);
  let sent = 0;
  let inFlight = 0;
  let failed = 0;
  let firstFailure: string | undefined;
  const done: Array<Promise<void>> = [];
  const post = (body: string) =>
    new Promise<void>((resolve) => {
      inFlight++;
      const req = request({ host: target.hostname, port: target.port, path: target.pathname, method: 'POST', agent, headers: { ...headers, 'content-length': Buffer.byteLength(body) } }, (res) => {
        res.resume();
        res.on('end', () => {
          if (res.statusCode !== 201) {
            failed++;
            firstFailure ??= `status ${res.statusCode}`;
          }
          inFlight--;
          resolve();
        });
      });
      req.on('error', (e) => {
        failed++;
        firstFailure ??= e.message;
        inFlight--;
        resolve();
      });
      req.end(body);
    });
  const started = Date.now();
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      const elapsed = Date.now() - started;
      if (elapsed >= seconds * 1000) {
        clearInterval(timer);
        resolve();
        return;
      }
      const due = Math.floor((elapsed * rate) / 1000) - sent;
      for (let i = 0; i < due && inFlight < MAX_IN_FLIGHT; i++) {
        sent++;
        done.push(post(typeof body === 'string' ? body : body()));
      }
    }, TICK_MS);
  });
  await Promise.all(done);
  agent.destroy();
  return { sent, failed, ...(firstFailure ? { firstFailure } : {}), perSecond: sent / seconds };
}
