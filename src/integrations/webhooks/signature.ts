import { createHmac, timingSafeEqual } from 'node:crypto';

/** The header that carries `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`. */
export const SIGNATURE_HEADER = 'Fulcrum-Signature';

/** The hex HMAC-SHA256 of `<timestamp>.<body>` under `secret`. */
export function signPayload(secret: string, timestamp: number, body: string | Uint8Array): string {
  return createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest('hex');
}

/** The `Fulcrum-Signature` value for a body sent at `timestamp` (unix seconds). */
export function signatureHeader(secret: string, timestamp: number, body: string): string {
  return `t=${timestamp},v1=${signPayload(secret, timestamp, body)}`;
}

/**
 * Checks a `Fulcrum-Signature` header against the raw body as received (bytes, before any JSON parsing):
 * true when one `v1` matches the HMAC under `secret` and the timestamp is within `toleranceSeconds` of now
 * (which keeps a captured delivery from being replayed later). More than one `v1` may appear.
 */
export function verifySignature(
  secret: string,
  header: string | null | undefined,
  body: string | Uint8Array,
  toleranceSeconds: number,
  nowSeconds: number = Math.floor(Date.now() / 1000),
): boolean {
  if (!header) return false;
  let timestamp: number | undefined;
  const candidates: string[] = [];
  for (const part of header.split(',')) {
    const eq = part.indexOf('=');
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (key === 't' && /^\d{1,12}$/.test(value)) timestamp = Number(value);
    else if (key === 'v1' && /^[0-9a-f]{64}$/.test(value)) candidates.push(value);
  }
  if (timestamp === undefined || candidates.length === 0) return false;
  if (Math.abs(nowSeconds - timestamp) > toleranceSeconds) return false;
  const expected = Buffer.from(signPayload(secret, timestamp, body), 'hex');
  return candidates.some((c) => timingSafeEqual(Buffer.from(c, 'hex'), expected));
}
