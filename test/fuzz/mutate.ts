import fc from 'fast-check';
import { copy, jsonText, nested, Raw, wide, type Fuzzed } from './json-text.js';
import { EXTRA_KEYS, nastyValue } from './nasty.js';

/**
 * Mutations of a valid request body. Starting from a body the route accepts and breaking one to three
 * things in it reaches the checks behind the schema (the engine's own refusals), which random JSON never
 * does. `at` picks a node of the body (the root included) modulo their number, so a mutation stays
 * meaningful whatever template it meets.
 */
export type Mutation =
  | { op: 'replace'; at: number; value: Fuzzed }
  | { op: 'retype'; at: number }
  | { op: 'delete'; at: number }
  | { op: 'extra'; at: number; key: string; value: Fuzzed }
  | { op: 'deep'; at: number; depth: number; shape: 'array' | 'object' }
  | { op: 'wide'; at: number; n: number; shape: 'array' | 'object' };

export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ op: fc.constant('replace' as const), at: fc.nat(), value: nastyValue }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('retype' as const), at: fc.nat() }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('delete' as const), at: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('extra' as const), at: fc.nat(), key: fc.oneof(fc.constantFrom(...EXTRA_KEYS), fc.string({ maxLength: 8 })), value: nastyValue }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('deep' as const), at: fc.nat(), depth: fc.constantFrom(7, 64, 1000, 20_000), shape: fc.constantFrom('array' as const, 'object' as const) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('wide' as const), at: fc.nat(), n: fc.constantFrom(201, 501, 3000), shape: fc.constantFrom('array' as const, 'object' as const) }) },
);

export const mutations = fc.array(mutation, { minLength: 1, maxLength: 3 });

type Path = Array<string | number>;

/** Applies mutations in order to a copy of the template. */
export function mutate(template: Fuzzed, list: ReadonlyArray<Mutation>): Fuzzed {
  let doc = copy(template);
  for (const m of list) doc = apply(doc, m);
  return doc;
}

function apply(doc: Fuzzed, m: Mutation): Fuzzed {
  const all = paths(doc);
  const path = all[m.at % all.length]!;
  switch (m.op) {
    case 'replace':
      // Copies: generated values are shared with fast-check, which replays and shrinks them.
      return set(doc, path, copy(m.value));
    case 'retype':
      return set(doc, path, retype(get(doc, path)));
    case 'delete':
      return path.length === 0 ? new Raw('') : remove(doc, path);
    case 'extra': {
      const target = get(doc, path);
      const value = copy(m.value);
      if (target === null || typeof target !== 'object' || target instanceof Raw) return set(doc, path, Object.defineProperty({}, m.key, { value, enumerable: true, writable: true, configurable: true }));
      if (Array.isArray(target)) target.push(value);
      // defineProperty, not assignment: a key named __proto__ must become a member, not the prototype.
      else Object.defineProperty(target, m.key, { value, enumerable: true, writable: true, configurable: true });
      return doc;
    }
    case 'deep':
      return set(doc, path, nested(m.depth, m.shape));
    case 'wide':
      return set(doc, path, wide(m.n, m.shape));
  }
}

/** The same content in another JSON type: 1 -> "1", "x" -> ["x"], true -> "true", {a} -> [{a}], null -> 0. */
function retype(v: Fuzzed): Fuzzed {
  if (v === null) return 0;
  if (typeof v === 'number') return String(v);
  if (typeof v === 'string') return /^-?\d+(\.\d+)?$/.test(v) ? Number(v) : [v];
  if (typeof v === 'boolean') return String(v);
  if (v instanceof Raw) return JSON.stringify(v.text);
  if (Array.isArray(v)) return v.length === 1 ? v[0]! : Object.fromEntries(v.map((x, i) => [String(i), x]));
  return [v];
}

function paths(doc: Fuzzed, prefix: Path = [], out: Path[] = []): Path[] {
  out.push(prefix);
  if (doc === null || typeof doc !== 'object' || doc instanceof Raw) return out;
  if (Array.isArray(doc)) doc.forEach((v, i) => paths(v, [...prefix, i], out));
  else for (const [k, v] of Object.entries(doc)) if (v !== undefined) paths(v, [...prefix, k], out);
  return out;
}

function get(doc: Fuzzed, path: Path): Fuzzed {
  let node = doc;
  for (const key of path) node = (node as Record<string | number, Fuzzed>)[key]!;
  return node;
}

function set(doc: Fuzzed, path: Path, value: Fuzzed): Fuzzed {
  if (path.length === 0) return value;
  const parent = get(doc, path.slice(0, -1)) as Record<string | number, Fuzzed>;
  const key = path[path.length - 1]!;
  if (Array.isArray(parent)) parent[key as number] = value;
  else Object.defineProperty(parent, key, { value, enumerable: true, writable: true, configurable: true });
  return doc;
}

function remove(doc: Fuzzed, path: Path): Fuzzed {
  const parent = get(doc, path.slice(0, -1));
  const key = path[path.length - 1]!;
  if (Array.isArray(parent)) parent.splice(key as number, 1);
  else delete (parent as Record<string, Fuzzed>)[key];
  return doc;
}

/** How a serialized body is broken on purpose: JSON.parse must refuse each of these. */
export type Breakage = { how: 'truncate' | 'insert' | 'drop'; at: number; char: string } | { how: 'wrap'; prefix: string; suffix: string };

export const breakage: fc.Arbitrary<Breakage> = fc.oneof(
  fc.record({ how: fc.constantFrom('truncate' as const, 'insert' as const, 'drop' as const), at: fc.nat(), char: fc.constantFrom('{', '}', '[', ']', ',', ':', '"', "'", '\\', '\u0000', 'x', ' ') }),
  fc.record({
    how: fc.constant('wrap' as const),
    prefix: fc.constantFrom('', '\uFEFF', '//c\n', "'", 'NaN', ')]}\'\n', '['),
    suffix: fc.constantFrom('', ',', ' x', '}', '/* c */', '\u0000', ']', '{}'),
  }),
);

/** The text of `doc` broken as told; the result may still parse (a `drop` of a space), which the checks allow. */
export function breakText(doc: Fuzzed, b: Breakage): string {
  const text = jsonText(doc);
  if (b.how === 'wrap') return b.prefix + text + b.suffix;
  const at = text.length === 0 ? 0 : b.at % text.length;
  if (b.how === 'truncate') return text.slice(0, at);
  if (b.how === 'insert') return text.slice(0, at) + b.char + text.slice(at);
  return text.slice(0, at) + text.slice(at + 1);
}
