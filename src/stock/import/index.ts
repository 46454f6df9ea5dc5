/**
 * Bulk stock loads (`POST /inventory/batch`): what a stock row is, how it is read fast and checked, and how
 * chunks of rows are applied by location with `applyStockBatch`. Jobs, splitting and pacing are `bulk/`'s.
 */
export { inventoryBatch } from './loader.js';
export type { BatchReport } from './tally.js';
