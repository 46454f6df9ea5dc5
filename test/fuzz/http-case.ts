import fc from 'fast-check';
import { KEYS } from '../helpers/server.js';
import { jsonText, Raw, type Fuzzed } from './json-text.js';
import { breakage, breakText, mutate, mutations, type Breakage, type Mutation } from './mutate.js';
import { encodeSegment, nastySegment, nastyString, nastyValue } from './nasty.js';
import type { FuzzRequest } from './http-request.js';
import type { RouteSpec } from './routes.js';
import type { IdKind, World } from './world.js';

/**
 * One generated request for a route, as data: which id or garbage goes into each path parameter, the
 * query, the body (a valid one broken in some way, or none at all), and the headers. It is resolved
 * against the world when sent, so that it names fixtures that exist then.
 */
export interface HttpCase {
  params: Record<string, Pick>;
  query: Array<{ key: Pick; value: Pick }> | { raw: string } | null;
  body: BodyCase;
  contentType: string | null;
  chunkBytes: number | null;
  idempotencyKey: string | null;
  auth: Auth;
}

/** A real id of the kind, a valid new one, or garbage. */
type Pick = { known: number } | { fresh: number } | { valid: true } | { text: string } | { raw: string };

type BodyCase =
  | { kind: 'none' }
  | { kind: 'template'; pick: number }
  | { kind: 'mutated'; pick: number; mutations: Mutation[] }
  | { kind: 'replaced'; value: Fuzzed }
  | { kind: 'broken'; pick: number; breakage: Breakage }
  | { kind: 'blank'; text: string }
  | { kind: 'bad-utf8'; pick: number; at: number; bytes: number[] }
  | { kind: 'oversized'; pick: number; over: number };

/** `admin` and friends are real keys; `garbage` never names one; `variant` is a valid key written oddly. */
type Auth = { role: keyof typeof KEYS } | { none: true } | { garbage: string } | { variant: string };

const GARBAGE_AUTH = ['Bearer', 'Bearer ', 'Basic dGVzdDp0ZXN0', 'bearer nope', `Bearer ${'x'.repeat(8000)}`, 'Bearer \u00ff\u00fe', 'Token abc', 'Bearer a b', 'Bearer\tnope', ' ', 'Bearer test-admin-key-000', 'Bearer test-admin-key-00011'];
const AUTH_VARIANTS = [`bearer ${KEYS.admin}`, `Bearer    ${KEYS.admin}   `, `BEARER ${KEYS.admin}`];
const CONTENT_TYPES = [
  null, 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=zz', 'application/json; charset=iso-8859-1',
  'application/x-ndjson', 'application/xml', ';;;', 'application/json\u00ff', '*/*', 'APPLICATION/JSON',
];
const GARBAGE_IDEMPOTENCY_KEYS = ['', ' ', 'x'.repeat(256), '\u00e4', 'a b', '\t', '\u00ff\u00ff', 'k'.repeat(255)];
/** Byte sequences that are not UTF-8: a stray continuation, an overlong NUL, a surrogate, a cut-off sequence, 0xFF. */
const BAD_UTF8 = [[0x80], [0xc0, 0x80], [0xed, 0xa0, 0x80], [0xe2, 0x82], [0xff], [0xf8, 0x88, 0x80, 0x80, 0x80], [0xf4, 0x90, 0x80, 0x80]];

const pick = (kindAware: boolean): fc.Arbitrary<Pick> =>
  fc.oneof(
    { weight: kindAware ? 5 : 0, arbitrary: fc.nat().map((known) => ({ known })) },
    { weight: kindAware ? 1 : 0, arbitrary: fc.nat().map((fresh) => ({ fresh })) },
    { weight: kindAware ? 0 : 3, arbitrary: fc.constant({ valid: true as const }) },
    { weight: 3, arbitrary: nastySegment },
  );

/** The cases for a route: bodies weighted toward broken valid ones where the route reads a body. */
export function httpCase(spec: RouteSpec): fc.Arbitrary<HttpCase> {
  const takesBody = spec.bodies !== undefined;
  const params = fc.record(Object.fromEntries(Object.keys(spec.params ?? {}).map((name) => [name, pick(true)])) as Record<string, fc.Arbitrary<Pick>>);
  const queryKeys = Object.keys(spec.query ?? {});
  const queryPair = fc.record({
    key: queryKeys.length > 0 ? fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...queryKeys).map((text) => ({ text })) }, { weight: 1, arbitrary: nastySegment }) : nastySegment,
    value: pick(false),
  });
  const query = fc.oneof(
    { weight: queryKeys.length > 0 ? 1 : 4, arbitrary: fc.constant(null) },
    { weight: queryKeys.length > 0 ? 6 : 1, arbitrary: fc.array(queryPair, { maxLength: 5 }) },
    { weight: 1, arbitrary: fc.constantFrom('&&==&', '=', 'a', '%zz=1', 'limit=1&limit=2&limit=x', '%00=%00', 'sku', 'sku=&sku=').map((raw) => ({ raw })) },
  );
  const body: fc.Arbitrary<BodyCase> = fc.oneof(
    { weight: takesBody ? 1 : 12, arbitrary: fc.constant({ kind: 'none' as const }) },
    { weight: takesBody ? 1 : 0, arbitrary: fc.nat().map((p) => ({ kind: 'template' as const, pick: p })) },
    { weight: takesBody ? 12 : 0, arbitrary: fc.record({ kind: fc.constant('mutated' as const), pick: fc.nat(), mutations }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('replaced' as const), value: nastyValue }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('broken' as const), pick: fc.nat(), breakage }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('blank' as const), text: fc.constantFrom('', ' ', '\n', '\t\r\n', '\u00a0') }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('bad-utf8' as const), pick: fc.nat(), at: fc.nat(), bytes: fc.constantFrom(...BAD_UTF8) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('oversized' as const), pick: fc.nat(), over: fc.constantFrom(1, 100, 70_000) }) },
  );
  return fc.record({
    params,
    query,
    body,
    contentType: fc.oneof({ weight: 8, arbitrary: fc.constant('application/json') }, { weight: 2, arbitrary: fc.constantFrom(...CONTENT_TYPES) }),
    chunkBytes: fc.oneof({ weight: 5, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.constantFrom(1, 7, 1024, 16_384) }),
    idempotencyKey: fc.oneof(
      { weight: 6, arbitrary: fc.constant(null) },
      { weight: 2, arbitrary: fc.nat(20).map((n) => `fz-${n}`) },
      { weight: 2, arbitrary: fc.constantFrom(...GARBAGE_IDEMPOTENCY_KEYS) },
    ),
    auth: fc.oneof(
      { weight: 12, arbitrary: fc.constant({ role: 'admin' as const }) },
      { weight: 3, arbitrary: fc.constantFrom('ops' as const, 'storefront' as const, 'storefront2' as const).map((role) => ({ role })) },
      { weight: 1, arbitrary: fc.constant({ none: true as const }) },
      { weight: 2, arbitrary: fc.oneof(fc.constantFrom(...GARBAGE_AUTH), nastyString.map(latin1)).map((garbage) => ({ garbage })) },
      { weight: 1, arbitrary: fc.constantFrom(...AUTH_VARIANTS).map((variant) => ({ variant })) },
    ),
  });
}

/** What was sent, and what the checks need to know about it. */
export interface Built {
  request: FuzzRequest;
  /** The request carries no usable key: it must get 401 (or 413 when its body is over the limit). */
  unauthenticated: boolean;
  /** The body is over the server's limit. */
  oversized: boolean;
  /** The request line and headers are past Node's 16 KiB: refused (400) before anything else is looked at. */
  headTooLarge: boolean;
}

/** Routes served without a key (health checks, the API's description): no 401 is expected of them. */
const OPEN_ROUTES = /^GET \/(health|openapi\.json|docs|console)(\/|$)/;

/** Resolves a case against the world: a concrete request for `method path`. */
export function buildRequest(w: World, route: string, spec: RouteSpec, c: HttpCase): Built {
  const [method, pattern] = route.split(' ') as [string, string];
  const target = pattern.replace(/:(\w+)/g, (_m, name: string) => encodeSegment(resolve(w, spec.params?.[name], c.params[name] ?? { valid: true }, () => 'x')));
  const query = buildQuery(w, spec, c.query);
  const templates = spec.bodies?.(w) ?? [{}];
  const template = (p: number) => templates[p % templates.length]!;
  const ndjson = spec.ndjson === true && c.contentType !== null && /ndjson/i.test(c.contentType);
  const text = (doc: Fuzzed) => (ndjson && Array.isArray(doc) ? doc.map(jsonText).join('\n') : jsonText(doc));
  let body: Uint8Array | undefined;
  switch (c.body.kind) {
    case 'none':
      break;
    case 'template':
      body = Buffer.from(text(template(c.body.pick)));
      break;
    case 'mutated':
      body = Buffer.from(text(mutate(template(c.body.pick), c.body.mutations)));
      break;
    case 'replaced':
      body = Buffer.from(text(c.body.value));
      break;
    case 'broken':
      body = Buffer.from(breakText(template(c.body.pick), c.body.breakage));
      break;
    case 'blank':
      body = Buffer.from(c.body.text);
      break;
    case 'bad-utf8': {
      const good = Buffer.from(text(template(c.body.pick)));
      const at = good.length === 0 ? 0 : c.body.at % good.length;
      body = Buffer.concat([good.subarray(0, at), Buffer.from(c.body.bytes), good.subarray(at)]);
      break;
    }
    case 'oversized': {
      // Valid JSON all the way: only its size is wrong.
      const doc = template(c.body.pick);
      const pad = 'x'.repeat(w.maxBodyBytes + c.body.over);
      body = Buffer.from(text(Array.isArray(doc) ? [...doc, pad] : doc !== null && typeof doc === 'object' && !(doc instanceof Raw) ? { ...doc, pad } : pad));
      break;
    }
  }
  const headers: Record<string, string> = {};
  if (c.contentType !== null) headers['content-type'] = c.contentType;
  if (c.idempotencyKey !== null) headers['idempotency-key'] = c.idempotencyKey;
  let unauthenticated = false;
  if ('role' in c.auth) headers.authorization = `Bearer ${KEYS[c.auth.role]}`;
  else if ('variant' in c.auth) headers.authorization = c.auth.variant;
  else {
    unauthenticated = true;
    if ('garbage' in c.auth) headers.authorization = c.auth.garbage;
  }
  return {
    request: { method, target: target + query, headers, ...(body ? { body } : {}), ...(c.chunkBytes !== null && body ? { chunkBytes: c.chunkBytes } : {}) },
    // The health checks, the API's description and the console's static files answer without a key (the console signs in itself).
    unauthenticated: unauthenticated && !OPEN_ROUTES.test(route),
    oversized: (body?.length ?? 0) > w.maxBodyBytes,
    // Node refuses a head over 16 KiB before any route sees it; the client adds its own headers and the
    // request line, so a head within a KiB of the limit may be refused too.
    headTooLarge: target.length + query.length + Object.entries(headers).reduce((n, [k, v]) => n + k.length + Buffer.byteLength(v, 'latin1') + 4, 0) > 15_000,
  };
}

function buildQuery(w: World, spec: RouteSpec, q: HttpCase['query']): string {
  if (q === null) return '';
  if ('raw' in q) return `?${q.raw}`;
  if (q.length === 0) return '';
  const parts = q.map(({ key, value }) => {
    const k = encodeSegment(key as { text: string } | { raw: string });
    const name = 'text' in key ? key.text : '';
    const valid = spec.query && Object.hasOwn(spec.query, name) ? spec.query[name] : undefined;
    return `${k}=${encodeSegment(resolve(w, undefined, value, () => valid?.(w) ?? '1'))}`;
  });
  return `?${parts.join('&')}`;
}

function resolve(w: World, kind: IdKind | undefined, p: Pick, valid: () => string): { text: string } | { raw: string } {
  if ('text' in p || 'raw' in p) return p;
  if ('valid' in p || kind === undefined) return { text: valid() };
  const list = 'known' in p ? w.known[kind] : w.fresh[kind];
  const n = 'known' in p ? p.known : p.fresh;
  return { text: list.length > 0 ? list[n % list.length]! : valid() };
}

/** Header values carry bytes 0x20-0xFF (and tab) only; anything else an HTTP client refuses to send. */
function latin1(s: string): string {
  return [...s].map((ch) => (ch.charCodeAt(0) === 9 || (ch.charCodeAt(0) >= 0x20 && ch.charCodeAt(0) <= 0xff && ch.charCodeAt(0) !== 0x7f) ? ch : '?')).join('');
}
