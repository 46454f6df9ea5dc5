/**
 * JSON as the fuzzer sends it. A body is a tree of plain JSON values and `Raw` pieces: text put into the
 * JSON as it is, for what a JavaScript value cannot carry (2^53+1, -0, 1e400, duplicate keys) and for
 * structures too deep for a recursive `JSON.stringify`.
 */
export class Raw {
  constructor(readonly text: string) {}
}

/** A value the fuzzer may put anywhere in a body. */
export type Fuzzed = null | boolean | number | string | Raw | Fuzzed[] | { [key: string]: Fuzzed | undefined };

/** The JSON text of a fuzzed value; strings go through `JSON.stringify`, which escapes lone surrogates. */
export function jsonText(value: Fuzzed): string {
  if (value instanceof Raw) return value.text;
  if (Array.isArray(value)) return `[${value.map(jsonText).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const members = Object.entries(value).filter((e): e is [string, Fuzzed] => e[1] !== undefined);
    return `{${members.map(([k, v]) => `${JSON.stringify(k)}:${jsonText(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** A deep copy of a plain JSON value (templates are shared between runs). */
export function copy<T extends Fuzzed>(value: T): T {
  if (value instanceof Raw || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(copy) as T;
  return Object.fromEntries(Object.entries(value).flatMap(([k, v]) => (v === undefined ? [] : [[k, copy(v)]]))) as T;
}

/** `depth` nested arrays or objects around a leaf, as text (no recursion on either side of the wire). */
export function nested(depth: number, shape: 'array' | 'object'): Raw {
  return shape === 'array' ? new Raw('['.repeat(depth) + '1' + ']'.repeat(depth)) : new Raw('{"a":'.repeat(depth) + '1' + '}'.repeat(depth));
}

/** An object with `n` keys, or an array with `n` elements, as text. */
export function wide(n: number, shape: 'array' | 'object'): Raw {
  const items = Array.from({ length: n }, (_, i) => (shape === 'array' ? String(i) : `"k${i}":${i}`));
  return new Raw(shape === 'array' ? `[${items.join(',')}]` : `{${items.join(',')}}`);
}
