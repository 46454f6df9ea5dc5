/**
 * Bulk stock loads (`POST /inventory/batch`, `GET /jobs/:id`, `npm run import`). This part of `inventory/`
 * sits above the engine: it reads bodies into rows and hands them to the engine's `applyStockBatch` in chunks.
 */
export type { BulkJob, JobRecord, JobStatus, JobView } from './job.js';
export { BulkJobs, type BulkJobsOptions } from './jobs.js';
export type { BatchFormat } from './row-reader.js';
export type { BatchReport } from './tally.js';
