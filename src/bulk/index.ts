/**
 * Bulk loads of every kind (`POST /inventory/batch`, `POST /inbound/batch`, `GET /jobs/:id`, `npm run
 * import`): bodies (NDJSON, JSON arrays, CSV) read into rows as they stream in, chunks applied one engine step
 * each at a pace that leaves room for other work, and progress kept as a job. What a row means and how it is
 * applied is the kind's (`BulkLoader`), in its own module.
 */
export { BodyReader } from './body-reader.js';
export type { ChunkWindow } from './chunk-applier.js';
export { splitterFor, type BatchFormat } from './formats.js';
export type { BulkJob, JobRecord, JobStatus, JobView } from './job.js';
export { BulkJobs, type BulkJobsOptions, type JobStart } from './jobs.js';
export type { BulkLoader, LoadHooks } from './load.js';
export { isIsoTime, isText, isWhole } from './row-checks.js';
export { jsonRow, valuesReader, type RowColumns, type RowValues, type ValuesSink } from './row-values.js';
export type { RowSink } from './splitter.js';
export { LowestRows, RowTally, type LoadReport, type RowNote } from './tally.js';
