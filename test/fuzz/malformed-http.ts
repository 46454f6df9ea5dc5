import fc from 'fast-check';
import { KEYS } from '../helpers/server.js';
import { encodeSegment, nastySegment } from './nasty.js';

/**
 * Requests below the API: bytes no well-behaved HTTP client sends (control characters in headers, headers
 * past Node's 16 KiB, broken framing, bodies cut short), and well-formed requests for routes and methods
 * that do not exist. Each must still get a 4xx in the error envelope.
 */

const AUTH = `Authorization: Bearer ${KEYS.admin}\r\n`;
const CONTROL = ['\u0000', '\u0001', '\u0008', '\u000b', '\u000c', '\u001b', '\u001f', '\u007f'];

/** One malformed request, as the text written to the socket (latin1), and how it is broken. */
export interface RawCase {
  how: string;
  text: string;
}

const post = (headers: string, body: string) => `POST /orders HTTP/1.1\r\nHost: fuzz\r\n${AUTH}${headers}\r\n${body}`;

export const rawCase: fc.Arbitrary<RawCase> = fc.oneof(
  fc.record({ name: fc.constantFrom('Authorization', 'Idempotency-Key', 'Content-Type', 'X-Fuzz'), ctrl: fc.constantFrom(...CONTROL) }).map(({ name, ctrl }) => ({
    how: `control character ${JSON.stringify(ctrl)} in ${name}`,
    text: `GET /locations HTTP/1.1\r\nHost: fuzz\r\n${name === 'Authorization' ? '' : AUTH}${name}: ${name === 'Authorization' ? `Bearer ${KEYS.admin}` : 'a'}${ctrl}b\r\n\r\n`,
  })),
  fc.constantFrom('Garbage', 'Bad Header: x', 'X(: y', '\u00c9t\u00e9: x', ': empty-name', 'X-Fuzz : spaced').map((line) => ({
    how: `header line ${JSON.stringify(line)}`,
    text: `GET /locations HTTP/1.1\r\nHost: fuzz\r\n${AUTH}${line}\r\n\r\n`,
  })),
  fc.record({ bytes: fc.constantFrom(17_000, 40_000), many: fc.boolean() }).map(({ bytes, many }) => ({
    how: many ? `${bytes / 8} small headers` : `one ${bytes}-byte header`,
    text: `GET /locations HTTP/1.1\r\nHost: fuzz\r\n${AUTH}${many ? Array.from({ length: bytes / 8 }, (_, i) => `X-${i}: v\r\n`).join('') : `X-Big: ${'a'.repeat(bytes)}\r\n`}\r\n`,
  })),
  fc.constantFrom('GARBAGE', 'GET /locations HTTP/9.9', 'get /locations HTTP/1.1', 'BREW /locations HTTP/1.1', 'GET /loca\u0000tions HTTP/1.1', 'GET /loca tions HTTP/1.1', 'GET /orders/\u00fcn\u00ef HTTP/1.1', 'GET  /locations  HTTP/1.1', 'OPTIONS * HTTP/1.1', 'GET locations HTTP/1.1').map((line) => ({
    how: `request line ${JSON.stringify(line)}`,
    text: `${line}\r\nHost: fuzz\r\n${AUTH}\r\n`,
  })),
  fc.constantFrom('abc', '-1', '1e3', '99999999999999999999', '2\r\nContent-Length: 3', '2\r\nTransfer-Encoding: chunked', ' 2', '0x2').map((cl) => ({
    how: `Content-Length: ${JSON.stringify(cl)}`,
    text: post(`Content-Length: ${cl}\r\n`, '{}'),
  })),
  fc.constantFrom(
    { how: 'Transfer-Encoding: gzip', text: post('Transfer-Encoding: gzip\r\n', '{}') },
    { how: 'chunk size zz', text: post('Transfer-Encoding: chunked\r\n', 'zz\r\n{}\r\n0\r\n\r\n') },
    { how: 'chunk extension of 20 KB', text: post('Transfer-Encoding: chunked\r\n', `2;${'e'.repeat(20_000)}\r\n{}\r\n0\r\n\r\n`) },
    { how: 'chunked body cut short', text: post('Transfer-Encoding: chunked\r\n', '10\r\n{}') },
    { how: 'Content-Length body cut short', text: post('Content-Length: 100\r\n', '{"customer":') },
    { how: 'LF line endings only', text: `GET /locations HTTP/1.1\nHost: fuzz\n${AUTH.replace('\r\n', '\n')}\n` },
    { how: 'obsolete header folding', text: `GET /locations HTTP/1.1\r\nHost: fuzz\r\nAuthorization: Bearer\r\n ${KEYS.admin}\r\n\r\n` },
    { how: 'HTTP/1.0 without Host', text: `GET /locations HTTP/1.0\r\n${AUTH}\r\n` },
    { how: 'absolute-form target', text: `GET http://elsewhere.invalid/locations HTTP/1.1\r\nHost: fuzz\r\n${AUTH}\r\n` },
    { how: 'no Host header', text: `GET /locations HTTP/1.1\r\n${AUTH}\r\n` },
  ),
);

const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD', 'TRACE', 'PROPFIND'];
const PREFIXES = ['', '/', '/orders', '/orders/', '/ORDERS', '/locations/BER', '/inventory/BER/A', '/inventory', '/health/x', '/metrics/', '/ws', '/workflows/order', '/webhooks/dead', '/sourcing', '/jobs/', '//orders', '/orders/../locations'];

/** A well-formed request for a method and path the API may not have. */
export interface UnroutedCase {
  method: string;
  path: string;
}

export const unroutedCase: fc.Arbitrary<UnroutedCase> = fc
  .record({ method: fc.constantFrom(...METHODS), prefix: fc.constantFrom(...PREFIXES), tail: fc.array(nastySegment, { maxLength: 2 }) })
  .map(({ method, prefix, tail }) => ({ method, path: `${prefix}${tail.map((t) => `/${encodeSegment(t)}`).join('')}` || '/' }));
