/**
 * Reusable backing arrays for the search model and its derivations (dominance flags, search order, suffix
 * minima, suffix fills), so consecutive solves allocate none of them: on the flash-sale order they were
 * ~6 KB of each order's ~35 KB of sourcing allocation (`bench/intake/allocations.ts`, 2026-12-04), about
 * twenty small typed arrays per solve.
 *
 * Each slot grows to the largest size asked of it and is never shrunk below that, so a model's arrays may
 * be longer than its shape needs: the model's readers index by n, L and width and never read `length`.
 * Every slot is written before it is read in each solve (see the functions that take one). A slot larger
 * than MAX_KEPT elements is allocated for the one solve and not kept, so a large pooled problem does not
 * leave megabytes behind in a worker.
 *
 * A scratch is taken out while a solve uses it (`takeModelScratch` / `releaseModelScratch`), so two
 * models never share one.
 */
/**
 * Enough for any problem solved inline (candidates x lines <= INLINE_MAX_WORK = 500, so the largest slot,
 * the suffix fills, holds at most ~(n + 1) x 32 x L ~ 16K entries); a worker's larger problems allocate
 * per solve as before. So a thread keeps well under a megabyte here.
 */
const MAX_KEPT = 1 << 14;

type Kind = 'f64' | 'i32' | 'u8';
type ArrayOf<K extends Kind> = K extends 'f64' ? Float64Array : K extends 'i32' ? Int32Array : Uint8Array;

/** One named array per purpose; `get(size)` returns it with at least `size` elements (contents undefined). */
class Slot<K extends Kind> {
  #array: ArrayOf<K> | undefined;
  readonly #kind: K;

  constructor(kind: K) {
    this.#kind = kind;
  }

  get(size: number): ArrayOf<K> {
    const held = this.#array;
    if (held !== undefined && held.length >= size) return held;
    const made = (this.#kind === 'f64' ? new Float64Array(size) : this.#kind === 'i32' ? new Int32Array(size) : new Uint8Array(size)) as ArrayOf<K>;
    if (size <= MAX_KEPT) this.#array = made;
    return made;
  }
}

export class ModelScratch {
  // search-model.ts
  readonly qty = new Slot('f64');
  readonly capAll = new Slot('f64');
  readonly amortizedAll = new Slot('f64');
  readonly kept = new Slot('i32');
  readonly worst = new Slot('f64');
  readonly score = new Slot('f64');
  readonly order = new Slot('i32');
  readonly cap = new Slot('f64');
  readonly unitCost = new Slot('f64');
  readonly fixed = new Slot('f64');
  readonly amortized = new Slot('f64');
  readonly plain = new Slot('f64');
  readonly fixedSuffixMin = new Slot('f64');
  readonly plainSuffixMin = new Slot('f64');
  readonly amortizedSuffixMin = new Slot('f64');
  // dominance.ts
  readonly drop = new Slot('u8');
  readonly ships = new Slot('i32');
  readonly whole = new Slot('i32');
  // suffix-fill.ts
  readonly fillOffset = new Slot('i32');
  readonly fillLimit = new Slot('i32');
  readonly fillCost = new Slot('f64');
  readonly fillUnits = new Slot('f64');
  readonly fillCount = new Slot('i32');
  readonly fillOpen = new Slot('u8');
}

let spare: ModelScratch | undefined;

/** The spare scratch, or a new one if a solve already holds it. */
export function takeModelScratch(): ModelScratch {
  const scratch = spare ?? new ModelScratch();
  spare = undefined;
  return scratch;
}

/** Hands a scratch back once nothing reads the model built in it any more. */
export function releaseModelScratch(scratch: ModelScratch): void {
  spare = scratch;
}
