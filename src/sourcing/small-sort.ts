/** Below this length an insertion sort is used: a flash-sale order's sorts have one to a few elements. */
const SMALL = 16;

/**
 * Sorts `items` in place by `compare` and returns them, as `Array.prototype.sort` does (both are stable, so
 * the result is the same), without the work array V8's sort allocates on each call: sourcing sorts a few
 * short arrays per solve, and those copies were ~2.5 KB of each flash-sale order's allocation.
 */
export function sortSmall<T>(items: T[], compare: (a: T, b: T) => number): T[] {
  if (items.length > SMALL) return items.sort(compare);
  for (let i = 1; i < items.length; i++) {
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
