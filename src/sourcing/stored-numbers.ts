/**
 * Number arrays as a decision record stores them: a Float64Array in memory; once stored, a short array as
 * `{f64: [...]}`, a long one as its bytes (MessagePack `bin`, in the machine's byte order as the rest of an
 * LMDB file is). Records written before 2026-12 hold `{f64: [...]}` whatever the length.
 */
export type StoredNumbers = Float64Array | Uint8Array | { readonly f64: readonly number[] };

/**
 * From how many numbers an array is stored as bytes. msgpackr writes a number in a few ns but a byte array
 * through its extension path (~0.15 us each): encoding six arrays (lmdb-js's msgpackr 1.12, see
 * bench/results/intake-cpu.md, 2026-12-05), bytes lost at 3-15 numbers an array and won 1.6-2x at 30-150.
 */
export const BYTES_FROM = 16;

/**
 * Numbers as a record stores them. Long arrays are stored as a view of exactly their bytes, not a copy: each
 * copy is a new ArrayBuffer, which cost more than writing the numbers one by one (~1 us for six short ones),
 * and a problem's arrays are never written after `buildProblem` made them.
 */
export function storableNumbers(v: Float64Array): StoredNumbers {
  if (v.length >= BYTES_FROM) return new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
  const f64 = new Array<number>(v.length);
  for (let i = 0; i < v.length; i++) f64[i] = v[i]!;
  return { f64 };
}

/**
 * Stored numbers as a Float64Array. Bytes as read may sit at any offset of the buffer LMDB handed over (not
 * 8-aligned, and reused by later reads), so they are copied into the new array's own buffer.
 */
export function storedFloat64(stored: StoredNumbers): Float64Array {
  if (stored instanceof Float64Array) return stored;
  if (stored instanceof Uint8Array) {
    if (stored.byteLength % 8 !== 0) throw new Error(`stored numbers of ${stored.byteLength} bytes are not float64s`);
    const out = new Float64Array(stored.byteLength / 8);
    new Uint8Array(out.buffer).set(stored);
    return out;
  }
  return Float64Array.from(stored.f64);
}

/** Whether a stored value is a number array in one of the stored forms. */
export function isStoredNumbers(v: unknown): v is StoredNumbers {
  return v instanceof Float64Array || v instanceof Uint8Array || (v !== null && typeof v === 'object' && Array.isArray((v as { f64?: unknown }).f64));
}
