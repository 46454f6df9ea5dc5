/**
 * Bulk stock loads (`POST /inventory/batch`, `GET /jobs/:id`, `npm run import`): reads bodies (JSON, NDJSON,
 * CSV) into rows and hands them to `applyStockBatch` in chunks, one engine step each, with progress as a job.
 */
export type { BulkJob, JobRecord, JobStatus, JobView } from './job.js';
export { BulkJobs, type BulkJobsOptions } from './jobs.js';
export type { BatchFormat } from './row-reader.js';
export type { BatchReport } from './tally.js';
