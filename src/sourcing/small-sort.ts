/** Below this length an insertion sort is used: a flash-sale order's sorts have one to a few elements. */
export const SMALL_SORT = 16;

/**
 * Sorts `items` in place by `compare` and returns them, as `Array.prototype.sort` does (both are stable, so
 * the result is the same), without the work array V8's sort allocates on each call: sourcing sorts a few
 * short arrays per solve, and those copies were ~2.5 KB of each flash-sale order's allocation.
 */
export function sortSmall<T>(items: T[], compare: (a: T, b: T) => number): T[] {
  if (items.length > SMALL_SORT) return items.sort(compare);
  return insertionSort(items, items.length, compare);
}

/** Stable insertion sort of `items[0..length)` in place; for plain and typed arrays alike. */
export function insertionSort<T, A extends { [index: number]: T }>(items: A, length: number, compare: (a: T, b: T) => number): A {
  for (let i = 1; i < length; i++) {
    const item = items[i]!;
    let j = i - 1;
    while (j >= 0 && compare(items[j]!, item) > 0) {
      items[j + 1] = items[j]!;
      j--;
    }
    items[j + 1] = item;
  }
  return items;
}
