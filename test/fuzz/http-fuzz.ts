import fc from 'fast-check';
import { KEYS } from '../helpers/server.js';
import { buildRequest, httpCase, type HttpCase } from './http-case.js';
import { send, sendRaw, type FuzzResponse } from './http-request.js';
import { rawCase, unroutedCase, type RawCase, type UnroutedCase } from './malformed-http.js';
import { ROUTES } from './routes.js';
import { changes, digest, refresh, settle, type Digest, type World } from './world.js';

/** The error types of the contract (API.md) and the status each one goes with. */
export const ERROR_STATUS: Record<string, number> = {
  invalid_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  invalid_state: 409,
  insufficient_stock: 409,
  idempotency_mismatch: 422,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  unavailable: 503,
};

export type ViolationKind = '5xx' | 'envelope' | 'state changed on refusal' | 'read changed state' | 'no answer' | 'auth bypass' | 'engine failed';

/** Pseudo-routes fuzzed besides the API's own: requests below the API, and routes that do not exist. */
export const MALFORMED = 'RAW malformed HTTP';
export const UNROUTED = 'ANY unrouted method or path';

/** What one target's run found. */
export interface RouteReport {
  route: string;
  runs: number;
  byStatus: Record<string, number>;
  violations: Partial<Record<ViolationKind, number>>;
  /** The first few violations with the request that caused them. */
  examples: string[];
}

export interface FuzzOptions {
  runs: number;
  seed: number;
  /** Throw on the first violation (fast-check then shrinks it and prints the seed), or count them all. */
  mode: 'assert' | 'count';
  /** Reads compare the full digest every this many runs (and check the journal every run). */
  readDigestEvery?: number;
}

/** One request ready to go, with what the checks need to know about it. */
interface Shot {
  method: string;
  fire(): Promise<FuzzResponse>;
  /** It carries no usable key: it must get 401 (or 413 when its body is over the limit, 400 when its head is). */
  unauthenticated: boolean;
  oversized: boolean;
  headTooLarge: boolean;
  /** Nothing may change whatever the answer (a GET); otherwise only a refusal must change nothing. */
  read: boolean;
  /** A request below HTTP/1.1's rules: Node's parser, not the app, answers it. */
  malformed: boolean;
  describe(): string;
  cleanup?(body: unknown): Promise<void>;
}

/** A stable seed per route, so that adding a route does not change what the others are fed. */
export function routeSeed(seed: number, route: string): number {
  let h = seed | 0;
  for (let i = 0; i < route.length; i++) h = (Math.imul(h, 31) + route.charCodeAt(i)) | 0;
  return h;
}

/** Cases for a route of the API or a pseudo-route (data, so that fast-check prints them), and the shot each makes. */
function shots(w: World, route: string): { cases: fc.Arbitrary<any>; shot: (c: any) => Shot } {
  if (route === MALFORMED) {
    return { cases: rawCase, shot: (c: RawCase) => ({
      method: 'RAW', fire: () => sendRaw(w.port, Buffer.from(c.text, 'latin1')), unauthenticated: false, oversized: false, headTooLarge: false, read: false, malformed: true,
      describe: () => `${c.how}: ${JSON.stringify(c.text.slice(0, 200))}`,
    }) };
  }
  if (route === UNROUTED) {
    return { cases: unroutedCase, shot: (c: UnroutedCase) => ({
      method: c.method, fire: () => send(w.port, { method: c.method, target: c.path, headers: { authorization: `Bearer ${KEYS.admin}` } }),
      unauthenticated: false, oversized: false, headTooLarge: false, read: c.method === 'GET' || c.method === 'HEAD', malformed: false, describe: () => `${c.method} ${c.path}`,
    }) };
  }
  const spec = ROUTES[route];
  if (!spec) throw new Error(`the fuzzer does not know ${route}: add it to ROUTES in test/fuzz/routes.ts`);
  return { cases: httpCase(spec), shot: (c: HttpCase) => {
    const built = buildRequest(w, route, spec, c);
    const r = built.request;
    return {
      method: r.method, fire: () => send(w.port, r), unauthenticated: built.unauthenticated, oversized: built.oversized, headTooLarge: built.headTooLarge, read: r.method === 'GET', malformed: false,
      describe: () => `${r.method} ${r.target.slice(0, 300)} ${JSON.stringify(r.headers).slice(0, 300)}\n    body: ${describeBody(r.body, r.chunkBytes)}`,
      ...(spec.cleanup ? { cleanup: (body: unknown) => spec.cleanup!(w, body) } : {}),
    };
  } };
}

/**
 * Fuzzes one route: generated requests go out one at a time; each answer is checked (never a 5xx, not
 * even one only the server's metrics saw; a 4xx has the envelope with a known type and its status; a
 * request without a usable key gets 401), and a refused request, or any read, must leave the state digest
 * as it found it. An accepted write may change the state: the fuzzer waits for it to settle and takes the
 * new state as the baseline.
 */
export async function fuzzRoute(w: World, route: string, options: FuzzOptions): Promise<RouteReport> {
  const { cases, shot: make } = shots(w, route);
  await refresh(w);
  const report: RouteReport = { route, runs: 0, byStatus: {}, violations: {}, examples: [] };
  const every = options.mode === 'assert' ? 1 : (options.readDigestEvery ?? 25);
  let baseline: Digest = await settle(w);
  let seen5xx = w.served5xx;
  let sinceFull = 0;

  const property = fc.asyncProperty(cases, async (c) => {
    report.runs++;
    const shot = make(c);
    const seqBefore = w.t.server.fulcrum.engine.journal.nextSeq;
    const found: Array<[ViolationKind, string]> = [];
    let res: FuzzResponse | undefined;
    try {
      res = await shot.fire();
    } catch (e) {
      found.push(['no answer', (e as Error).message]);
    }
    const status = res?.status ?? 0;
    if (res) {
      report.byStatus[status] = (report.byStatus[status] ?? 0) + 1;
      found.push(...checkAnswer(res, shot));
    }
    let compared = false;
    if (shot.read) {
      if (w.t.server.fulcrum.engine.journal.nextSeq !== seqBefore) found.push(['read changed state', `the journal moved from ${seqBefore} to ${w.t.server.fulcrum.engine.journal.nextSeq}`]);
      if (++sinceFull >= every) {
        sinceFull = 0;
        const now = await digest(w);
        const diff = changes(baseline, now);
        if (diff.length > 0) found.push(['read changed state', `within the last ${every} reads: ${diff.join('; ')}`]);
        baseline = now;
        compared = true;
      }
    } else if (status >= 400 && status < 500) {
      const now = await digest(w);
      const diff = changes(baseline, now);
      if (diff.length > 0) found.push(['state changed on refusal', diff.join('; ')]);
      baseline = now;
      compared = true;
    } else {
      if (res && shot.cleanup) await shot.cleanup(parse(res.text));
      baseline = await settle(w);
      compared = true;
    }
    if (compared && w.served5xx > seen5xx) {
      if (status < 500) found.push(['5xx', `the server counted ${w.served5xx - seen5xx} answer(s) with a 5xx status that did not reach the client`]);
      seen5xx = w.served5xx;
    }
    if (w.fatal.length > 0) found.push(['engine failed', w.fatal.splice(0).map((e) => e.message).join('; ')]);
    if (found.length === 0) return;
    const what = `${shot.describe()}\n    -> ${res ? `${status} ${res.text.slice(0, 300)}` : 'no answer'}`;
    for (const [kind, detail] of found) {
      report.violations[kind] = (report.violations[kind] ?? 0) + 1;
      if (report.examples.length < 5) report.examples.push(`${kind}: ${detail}\n    ${what}`);
    }
    if (options.mode === 'assert') throw new Error(`${found.map(([k, d]) => `${k}: ${d}`).join('\n')}\n${what}`);
  });
  await fc.assert(property, { numRuns: options.runs, seed: routeSeed(options.seed, route) }).catch(withCause);
  return report;
}

/** The checks on an answer alone. */
function checkAnswer(res: FuzzResponse, shot: Shot): Array<[ViolationKind, string]> {
  const out: Array<[ViolationKind, string]> = [];
  if (res.status >= 500) out.push(['5xx', `status ${res.status}`]);
  if (shot.malformed && res.status === 0) out.push(['no answer', 'the connection closed without an answer']);
  if (shot.unauthenticated && res.status !== 401 && !(shot.oversized && res.status === 413) && !(shot.headTooLarge && res.status === 400)) out.push(['auth bypass', `a request without a usable key got ${res.status}`]);
  if (res.status >= 400 && res.status < 500 && shot.method !== 'HEAD') {
    const problem = envelopeProblem(res);
    if (problem) out.push(['envelope', problem]);
  }
  return out;
}

/** What is wrong with a 4xx answer's envelope, or undefined when it is right. */
export function envelopeProblem(res: Pick<FuzzResponse, 'status' | 'text' | 'headers'>): string | undefined {
  const type = String(res.headers['content-type'] ?? '');
  if (!/^application\/json/.test(type)) return `content-type '${type}', not application/json`;
  const error = parse(res.text)?.error;
  if (typeof error !== 'object' || error === null) return 'no {error} object';
  if (!(error.type in ERROR_STATUS)) return `unknown error type '${error.type}'`;
  if (ERROR_STATUS[error.type] !== res.status) return `type ${error.type} goes with ${ERROR_STATUS[error.type]}, sent with ${res.status}`;
  if (typeof error.message !== 'string' || error.message.length === 0) return 'no message';
  if (!Array.isArray(error.details)) return 'details is not an array';
  for (const d of error.details) {
    if (typeof d !== 'object' || d === null || typeof d.message !== 'string') return `a detail without a message: ${JSON.stringify(d)}`;
    if (d.path !== undefined && typeof d.path !== 'string') return `a detail path that is not a string: ${JSON.stringify(d)}`;
  }
  return undefined;
}

/** Served routes the fuzzer does not know, and routes it knows that are no longer served. */
export function routeCoverage(served: string[]): { unknown: string[]; stale: string[] } {
  return { unknown: served.filter((r) => !(r in ROUTES)), stale: Object.keys(ROUTES).filter((r) => !served.includes(r)) };
}

function parse(text: string): any {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function describeBody(body: Uint8Array | undefined, chunkBytes: number | undefined): string {
  if (!body) return '(none)';
  const text = Buffer.from(body).toString('utf8').replace(/(.)\1{49,}/g, (run, ch: string) => `${ch}x${run.length}`);
  return `${body.length} bytes${chunkBytes ? `, chunked by ${chunkBytes}` : ''}: ${JSON.stringify(text.slice(0, 400))}`;
}

/** fast-check's failure (seed, path, counterexample) with the violation it caught, which it keeps as the cause. */
export function withCause(e: Error): never {
  throw new Error(`${e.message}\n${(e.cause as Error | undefined)?.message ?? ''}`);
}
