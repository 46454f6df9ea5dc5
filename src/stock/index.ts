/**
 * Stock: positions and their statuses, counts and moves, pools and the availability index, products, and
 * bulk loads (`import/`). Positions live in location actors (`actors/location.ts`); everything here reads
 * them or sends them events through the engine.
 */
export { AvailabilityIndex, type AvailabilityChange } from './availability-index.js';
export { Catalog, type Product, type ProductAttributes } from './catalog.js';
export { upsertLocation, upsertPool, upsertProduct, upsertStatus } from './network.js';
export { DEFAULT_POOL, isMember, type MemberCandidate, type PoolDefinition, type PoolSelector } from './pool.js';
export { holdPool, poolForChannel, salePool, type SaleAsk, type SalePool } from './sale-pool.js';
export { BUILT_IN_STATUSES, StatusCatalog, type StatusDefinition } from './statuses.js';
export { Stock, type StockPorts } from './stock.js';
export { applyStockBatch, type RowNote, type ShortRow, type StockBatchOutcome, type StockBatchRow } from './stock-batch.js';
export { adjustStock, countStock, moveStock, type StockUpdateResult } from './stock-updates.js';
export { inventoryBatch, type BatchReport } from './import/index.js';
