import { Packr } from 'msgpackr';
import { ALERTS_CHANNEL, type AlertMessage, type Format, type ServerMessage, type StockMessage } from './messages.js';

/**
 * One key's latest committed value in a window, encoded once per format. Every subscriber of the key gets
 * these same bytes: re-encoding per subscriber is what makes a naive fan-out cost O(clients x keys) encodes.
 */
export interface Piece {
  key: string;
  pool: string;
  sku: string;
  seq: number;
  json: Uint8Array;
  pack: Uint8Array;
  /** The complete WebSocket frame around each payload, built by the fan-out on first use. */
  framed?: Partial<Record<Format, Uint8Array>>;
}

// Plain maps (no msgpackr records), so that any MessagePack library can read the frames.
const packr = new Packr({ useRecords: false });
const OPEN = Buffer.from('[');
const COMMA = Buffer.from(',');
const CLOSE = Buffer.from(']');

/** The subscription key of (pool, SKU); ids never contain NUL. */
export function keyOf(pool: string, sku: string): string {
  return `${pool}\u0000${sku}`;
}

/** Encodes a stock message (or an alert, under the alerts channel's pseudo-pool) once in both formats. */
export function encodePiece(message: StockMessage | AlertMessage): Piece {
  const [pool, sku] = message.type === 'stock' ? [message.pool, message.sku] : [ALERTS_CHANNEL, message.alert.id];
  return {
    key: keyOf(pool, sku),
    pool,
    sku,
    seq: message.seq,
    json: Buffer.from(JSON.stringify(message)),
    pack: packr.pack(message),
  };
}

/** The bytes of a piece in a format. */
function bytesOf(piece: Piece, format: Format): Uint8Array {
  return format === 'json' ? piece.json : piece.pack;
}

/**
 * One frame carrying several pieces, joined from their cached bytes without re-encoding: a JSON array
 * `[a,b]`, or a MessagePack array header followed by the packed pieces. One piece is sent as it is.
 */
export function frameOf(pieces: ReadonlyArray<Piece>, format: Format): Uint8Array {
  if (pieces.length === 1) return bytesOf(pieces[0]!, format);
  if (format === 'json') {
    const parts: Uint8Array[] = [OPEN];
    pieces.forEach((p, i) => parts.push(...(i === 0 ? [p.json] : [COMMA, p.json])));
    parts.push(CLOSE);
    return Buffer.concat(parts);
  }
  return Buffer.concat([arrayHeader(pieces.length), ...pieces.map((p) => p.pack)]);
}

/**
 * A complete, unmasked server frame (RFC 6455: FIN, text for JSON, binary for MessagePack) around a payload,
 * so that a window's bytes are framed once too and each client costs one socket write. Measured with 2,000
 * clients: ~1 µs of CPU less per send than `ws.send`, which frames every send anew.
 */
export function wsFrame(payload: Uint8Array, format: Format): Buffer {
  const n = payload.length;
  const head = n < 126 ? 2 : n < 0x10000 ? 4 : 10;
  const frame = Buffer.allocUnsafe(head + n);
  frame[0] = 0x80 | (format === 'json' ? 0x1 : 0x2);
  if (n < 126) frame[1] = n;
  else if (n < 0x10000) {
    frame[1] = 126;
    frame.writeUInt16BE(n, 2);
  } else {
    frame[1] = 127;
    frame.writeBigUInt64BE(BigInt(n), 2);
  }
  frame.set(payload, head);
  return frame;
}

/** Encodes a message meant for one client (a snapshot, an error). */
export function encodeMessage(message: ServerMessage, format: Format): Uint8Array {
  return format === 'json' ? Buffer.from(JSON.stringify(message)) : packr.pack(message);
}

/** Decodes a client frame: text is JSON, binary is MessagePack; throws on garbage. */
export function decodeClientFrame(data: Buffer, isBinary: boolean): unknown {
  return isBinary ? packr.unpack(data) : JSON.parse(data.toString('utf8'));
}

function arrayHeader(n: number): Buffer {
  if (n < 16) return Buffer.from([0x90 | n]);
  if (n < 0x10000) return Buffer.from([0xdc, n >> 8, n & 0xff]);
  const b = Buffer.alloc(5);
  b[0] = 0xdd;
  b.writeUInt32BE(n, 1);
  return b;
}
