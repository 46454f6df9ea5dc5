export { AvailabilityIndex, type AvailabilityChange } from './availability-index.js';
export { Catalog, type Product, type ProductAttributes } from './catalog.js';
export { DEFAULT_POOL, isMember, type MemberCandidate, type PoolDefinition, type PoolSelector } from './pool.js';
export { BUILT_IN_STATUSES, StatusCatalog, type StatusDefinition } from './statuses.js';
