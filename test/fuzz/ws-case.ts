import fc from 'fast-check';
import { Packr } from 'msgpackr';
import { KEYS } from '../helpers/server.js';
import { jsonText, Raw, type Fuzzed } from './json-text.js';
import { mutate, mutations, type Mutation } from './mutate.js';
import { nastyString } from './nasty.js';

/**
 * What a fuzzed feed client does: how it connects (key, subprotocol, or a handshake no client library would
 * send), then a few actions: messages broken from valid ones, garbage text and binary, MessagePack with
 * hostile headers, frames past the size limit, frames that break the WebSocket protocol itself, floods,
 * messages after a close, a client that vanishes with its subscribe unanswered, and a swarm of connections.
 */
export interface WsSession {
  handshake: Handshake;
  actions: WsAction[];
}

export type Handshake =
  /** `spoofRole` adds the header that carries the role inside the server, claiming admin. */
  | { kind: 'ok'; protocol: 'json' | 'msgpack' | 'none'; auth: 'header' | 'token' | 'storefront'; spoofRole: boolean }
  | { kind: 'bad-auth'; value: string; via: 'header' | 'token' }
  | { kind: 'bad-upgrade'; how: string; headers: string; method: string; path: string };

export type WsAction =
  | { kind: 'message'; template: number; mutations: Mutation[]; binary: boolean }
  | { kind: 'text'; text: string }
  | { kind: 'bytes'; bytes: number[] }
  | { kind: 'hostile-msgpack'; bytes: number[] }
  | { kind: 'rich-msgpack'; value: number }
  | { kind: 'oversized'; bytes: number; binary: boolean }
  | { kind: 'frame'; how: string; frame: number[] }
  | { kind: 'flood'; count: number; template: number }
  | { kind: 'fragments'; parts: number }
  | { kind: 'close-then-send' }
  | { kind: 'vanish' }
  | { kind: 'swarm'; connections: number };

/** Valid client messages the mutations start from; subscribing to many keys reaches the per-connection limit. */
export const MESSAGES: Fuzzed[] = [
  { op: 'subscribe', pool: 'default', skus: ['A', 'B'], id: 1 },
  { op: 'subscribe', pool: 'web', skus: '*', id: 'whole' },
  { op: 'unsubscribe', pool: 'default', skus: ['A'] },
  { op: 'subscribe', pool: 'default' },
  { op: 'subscribe', pool: 'default', skus: ['A', 'B', 'C', 'D', 'E', 'F'], id: 'many' },
  { op: 'unsubscribe', pool: 'web' },
  { op: 'subscribe', channel: 'alerts', id: 'alerts' },
  { op: 'unsubscribe', channel: 'alerts' },
];

/** MessagePack headers that promise more than they hold, extension types, and deep or wide nesting. */
const HOSTILE_MSGPACK: number[][] = [
  [0xdd, 0xff, 0xff, 0xff, 0xff], // array32 of 4 billion elements, then nothing
  [0xdf, 0xff, 0xff, 0xff, 0xff], // map32 likewise
  [0xdb, 0xff, 0xff, 0xff, 0xff, 0x61], // str32 of 4 GiB
  [0xc6, 0x7f, 0xff, 0xff, 0xff], // bin32
  [0xc9, 0x7f, 0xff, 0xff, 0xff, 0x01], // ext32
  [0xd4, 0x72, 0x00], // fixext1 with msgpackr's record extension
  [0xd6, 0xff, 0x00, 0x00, 0x00, 0x00], // timestamp32
  [0xc7, 0x0c, 0xff, ...Array(12).fill(0xff)], // timestamp96 out of range
  [0xd4, 0x00, 0x00], [0xd5, 0x65, 0x01, 0x02], [0xc1], [0xcf, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff], [0xd3, 0x80, 0, 0, 0, 0, 0, 0, 0],
  [0x81, 0xc0, 0x01], // a map with a nil key
  [0x81, 0x91, 0x01, 0x01], // a map with an array key
  [0x82, 0xa2, 0x6f, 0x70, 0xa9, 0x73, 0x75, 0x62, 0x73, 0x63, 0x72, 0x69, 0x62, 0x65, 0xa2, 0x6f, 0x70, 0x01], // duplicate "op"
  [0x81, 0xa9, 0x5f, 0x5f, 0x70, 0x72, 0x6f, 0x74, 0x6f, 0x5f, 0x5f, 0x81, 0xa1, 0x78, 0x01], // {"__proto__": {"x": 1}}
  [...Array(3000).fill(0x91), 0xc0], // 3000 nested arrays
  [...Array(1300).fill(0x81).flatMap((b) => [b, 0xa1, 0x61]), 0xc0], // 1300 nested maps
  [0xdc, 0x07, 0xd0, ...Array(2000).fill(0xc0)], // 2000 nils
  [], [0x00], [0xa0], [0x90], [0x80],
];

/** Protocol-level garbage: each of these breaks RFC 6455, so ws must close with 1002, 1007 or 1009. */
const BAD_FRAMES: Array<{ how: string; frame: number[] }> = [
  { how: 'unmasked text frame', frame: [0x81, 0x02, 0x7b, 0x7d] },
  { how: 'reserved opcode 0x3', frame: masked(0x83, [0x7b, 0x7d]) },
  { how: 'reserved control opcode 0xB', frame: masked(0x8b, []) },
  { how: 'RSV1 set without an extension', frame: masked(0xc1, [0x7b, 0x7d]) },
  { how: 'RSV3 set', frame: masked(0x91, [0x7b, 0x7d]) },
  { how: 'ping longer than 125 bytes', frame: masked(0x89, Array(126).fill(0x61)) },
  { how: 'fragmented ping', frame: masked(0x09, [0x61]) },
  { how: 'continuation without a start', frame: masked(0x80, [0x7b, 0x7d]) },
  { how: 'new message inside a fragmented one', frame: [...masked(0x01, [0x7b]), ...masked(0x81, [0x7d])] },
  { how: '64-bit length with the top bit set', frame: [0x81, 0xff, 0x80, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4] },
  { how: 'close with code 999', frame: masked(0x88, [0x03, 0xe7]) },
  { how: 'close with code 1005', frame: masked(0x88, [0x03, 0xed]) },
  { how: 'close with code 5000', frame: masked(0x88, [0x13, 0x88]) },
  { how: 'close with a 1-byte body', frame: masked(0x88, [0x03]) },
  { how: 'close with an invalid UTF-8 reason', frame: masked(0x88, [0x03, 0xe8, 0xff, 0xfe]) },
  { how: 'text frame of invalid UTF-8', frame: masked(0x81, [0x7b, 0xff, 0x7d]) },
  { how: 'text frame with a lone surrogate in UTF-8', frame: masked(0x81, [0xed, 0xa0, 0x80]) },
  { how: 'fifty pings', frame: Array.from({ length: 50 }, () => masked(0x89, [0x70])).flat() },
  { how: 'unsolicited pong', frame: masked(0x8a, [0x70]) },
  { how: 'empty text frame', frame: masked(0x81, []) },
];

const GARBAGE_AUTH = ['', 'Bearer', 'Bearer nope', 'Basic dGVzdA==', `bearer  ${KEYS.admin}x`, '\u00ff'];
const GARBAGE_TOKENS = ['', '%00', 'nope', '%FF%FE', 'a'.repeat(3000), `${KEYS.admin}%00`];
const KEY = 'dGhlIHNhbXBsZSBub25jZQ==';

const BAD_UPGRADES: Array<{ how: string; headers: string; method?: string; path?: string }> = [
  { how: 'duplicate subprotocol', headers: `Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: ${KEY}\r\nSec-WebSocket-Protocol: fulcrum.msgpack, fulcrum.msgpack\r\n` },
  { how: 'subprotocol list of commas', headers: `Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: ${KEY}\r\nSec-WebSocket-Protocol: ,,,\r\n` },
  { how: 'subprotocol with a space inside', headers: `Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: ${KEY}\r\nSec-WebSocket-Protocol: a b\r\n` },
  { how: 'unknown subprotocol only', headers: `Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: ${KEY}\r\nSec-WebSocket-Protocol: chat\r\n` },
  { how: 'malformed key', headers: 'Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: bad\r\n' },
  { how: 'no key', headers: 'Sec-WebSocket-Version: 13\r\n' },
  { how: 'version 99', headers: `Sec-WebSocket-Version: 99\r\nSec-WebSocket-Key: ${KEY}\r\n` },
  { how: 'POST upgrade', headers: `Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: ${KEY}\r\n`, method: 'POST' },
  { how: 'garbage extensions', headers: `Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: ${KEY}\r\nSec-WebSocket-Extensions: permessage-deflate; x=;;\r\n` },
  { how: 'query garbage', headers: `Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: ${KEY}\r\n`, path: '/ws?%zz&token' },
  { how: 'another path', headers: `Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: ${KEY}\r\n`, path: '/wsx' },
];

const action: fc.Arbitrary<WsAction> = fc.oneof(
  { weight: 8, arbitrary: fc.record({ kind: fc.constant('message' as const), template: fc.nat(), mutations: fc.oneof(fc.constant<Mutation[]>([]), mutations), binary: fc.boolean() }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('text' as const), text: fc.oneof(nastyString, fc.constantFrom('{', '{"op":', 'null', '[]', '"subscribe"', '{"op":"subscribe","pool":"default","skus":["A"]}{}', '\uFEFF{}', 'NaN')) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('bytes' as const), bytes: fc.array(fc.nat(255), { maxLength: 64 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('hostile-msgpack' as const), bytes: fc.constantFrom(...HOSTILE_MSGPACK) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('rich-msgpack' as const), value: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('oversized' as const), bytes: fc.constantFrom(4097, 70_000, 1_100_000), binary: fc.boolean() }) },
  { weight: 1, arbitrary: fc.constantFrom(...BAD_FRAMES).map((f) => ({ kind: 'frame' as const, ...f })) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('flood' as const), count: fc.constantFrom(30, 150), template: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('fragments' as const), parts: fc.constantFrom(2, 50, 1000) }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'close-then-send' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'vanish' as const }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('swarm' as const), connections: fc.constantFrom(20, 100) }) },
);

export const wsSession: fc.Arbitrary<WsSession> = fc.record({
  handshake: fc.oneof(
    {
      weight: 10,
      arbitrary: fc.record({
        kind: fc.constant('ok' as const),
        protocol: fc.constantFrom('json' as const, 'msgpack' as const, 'none' as const),
        auth: fc.constantFrom('header' as const, 'token' as const, 'storefront' as const),
        spoofRole: fc.boolean(),
      }),
    },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('bad-auth' as const), value: fc.constantFrom(...GARBAGE_AUTH), via: fc.constant('header' as const) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('bad-auth' as const), value: fc.constantFrom(...GARBAGE_TOKENS), via: fc.constant('token' as const) }) },
    { weight: 1, arbitrary: fc.constantFrom(...BAD_UPGRADES).map((u) => ({ kind: 'bad-upgrade' as const, how: u.how, headers: u.headers, method: u.method ?? 'GET', path: u.path ?? '/ws' })) },
  ),
  actions: fc.array(action, { minLength: 1, maxLength: 4 }),
});

const plainPack = new Packr({ useRecords: false });
/** Values msgpackr can carry that JSON cannot: records, dates, maps, sets, big integers, typed arrays, errors. */
const RICH: unknown[] = [
  { op: 'subscribe', pool: 'default', skus: new Set(['A']) },
  new Map<unknown, unknown>([['op', 'subscribe'], ['pool', 'default'], [1, 2]]),
  { op: 'subscribe', pool: 'default', skus: ['A'], id: 2n ** 70n },
  { op: 'subscribe', pool: new Date(0), skus: ['A'] },
  { op: 'subscribe', pool: 'default', skus: new Uint8Array([65]) },
  { op: 'subscribe', pool: 'default', skus: ['A'], id: new Error('boom') },
  { op: 'subscribe', pool: 'default', skus: [/A/] },
  [{ op: 'subscribe', pool: 'default', skus: ['A'] }, { op: 'subscribe', pool: 'default', skus: ['B'] }],
];

/** The bytes of a rich MessagePack value, with records and structured cloning on. */
export function richMsgpack(n: number): Uint8Array {
  const value = RICH[n % RICH.length];
  return new Packr({ useRecords: n % 2 === 0, structuredClone: true, moreTypes: true, useBigIntExtension: true } as never).pack(value);
}

/** A client message as text (JSON) or bytes (MessagePack); Raw pieces become what they parse to. */
export function encodeMessage(value: Fuzzed, binary: boolean): string | Uint8Array {
  if (!binary) return jsonText(value);
  return plainPack.pack(plain(value));
}

/** The message templates, mutated. */
export function messageOf(template: number, list: Mutation[]): Fuzzed {
  return mutate(MESSAGES[template % MESSAGES.length]!, list);
}

function plain(value: Fuzzed): unknown {
  if (value instanceof Raw) {
    // Past the frame limit the content does not matter (ws closes with 1009), and msgpackr packs recursively.
    if (value.text.length > 8192) return value.text;
    try {
      return JSON.parse(value.text);
    } catch {
      return value.text;
    }
  }
  if (Array.isArray(value)) return value.map(plain);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined) Object.defineProperty(out, k, { value: plain(v), enumerable: true, writable: true, configurable: true });
    return out;
  }
  return value;
}

/** A client frame with a mask (all zero, so the payload reads as sent), FIN and opcode from `head`. */
export function masked(head: number, payload: number[]): number[] {
  const n = payload.length;
  const len = n < 126 ? [0x80 | n] : [0x80 | 126, n >> 8, n & 0xff];
  return [head, ...len, 0, 0, 0, 0, ...payload];
}
