/**
 * What a unit of a SKU is expected to be worth later at a location: the dual value of that location's stock
 * in the look-ahead LP. Taking the unit for today's order gives that value up, so the look-ahead term prices
 * it as a cost.
 */
export interface FutureValues {
  /** Future value of one unit of `sku` at `location`, >= 0 (0 when the LP did not price it). */
  at(location: string, sku: string): number;
}

/** Future values as the LP worker sends them: by SKU, then location (only positive values kept). */
export type FutureValueTable = Readonly<Record<string, Readonly<Record<string, number>>>>;

/** Reads a table as `FutureValues`. */
export function futureValuesOf(table: FutureValueTable): FutureValues {
  return { at: (location, sku) => table[sku]?.[location] ?? 0 };
}

/** Names one strategy of one profile version: look-ahead prices are kept per strategy (its costs shape the LP). */
export function lookAheadKey(strategy: { readonly profileId: string; readonly profileVersion: number; readonly id: string }): string {
  return `${strategy.profileId}/v${strategy.profileVersion}/${strategy.id}`;
}
