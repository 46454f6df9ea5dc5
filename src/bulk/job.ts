import type { BatchFormat } from './formats.js';
import type { LoadReport, RowTally } from './tally.js';

export type JobStatus = 'running' | 'done' | 'failed' | 'interrupted';

/** How many rows of each list (rejected, ignored, ...) a job keeps (the lowest row numbers); the counts are exact. */
export const JOB_ROW_LIMIT = 100;

/** A job as stored: enough to answer `GET /jobs/:id` after a restart. Its kind's own counts come with it. */
export interface JobRecord extends LoadReport {
  id: string;
  /** What it loads: `inventory.batch` (stock rows), `inbound.batch` (inbound lines). */
  kind: string;
  status: JobStatus;
  format: BatchFormat;
  createdAt: string;
  updatedAt: string;
  finishedAt?: string;
  bytesRead: number;
  /** The body's Content-Length, when the client sent one (the ETA needs it). */
  bytesTotal?: number;
  error?: { type: string; message: string };
}

/** A job as `GET /jobs/:id` shows it: the record with its rate (rows read per second) and ETA. */
export interface JobView extends JobRecord {
  elapsedMs: number;
  rate: number;
  etaSeconds: number | null;
}

/** A bulk load running as a job: its progress, and the switch that stops it at shutdown. */
export class BulkJob {
  status: JobStatus = 'running';
  bytesRead = 0;
  finishedAt: number | undefined;
  error: { type: string; message: string } | undefined;
  readonly stop = new AbortController();
  /** The counts as of the last record on disk: what the job shows while it runs. */
  durable: LoadReport;

  constructor(
    readonly id: string,
    readonly kind: string,
    readonly format: BatchFormat,
    readonly createdAt: number,
    readonly bytesTotal: number | undefined,
    /** The load's counts; a new one (nothing read) also gives the first durable counts. */
    readonly tally: RowTally,
  ) {
    this.durable = tally.report();
  }

  /** The job as of `now` (ms since epoch), with the counts of `report`. */
  record(now: number, report: LoadReport = this.tally.report()): JobRecord {
    const r: JobRecord = {
      id: this.id,
      kind: this.kind,
      status: this.status,
      format: this.format,
      createdAt: new Date(this.createdAt).toISOString(),
      updatedAt: new Date(now).toISOString(),
      bytesRead: this.bytesRead,
      ...report,
    };
    if (this.finishedAt !== undefined) r.finishedAt = new Date(this.finishedAt).toISOString();
    if (this.bytesTotal !== undefined) r.bytesTotal = this.bytesTotal;
    if (this.error) r.error = this.error;
    return r;
  }
}

/**
 * A running job as `GET /jobs/:id` shows it: how far reading has got now, and the counts of the rows that
 * are applied and on disk (a crash keeps exactly those, and the job then reports them as `interrupted`).
 */
export function progressOf(job: BulkJob, now: number): JobRecord {
  return { ...job.record(now, job.durable), rowsRead: job.tally.rowsRead };
}

/** Adds the rate and ETA to a record, as of `now`. The ETA comes from bytes, known when the length is. */
export function jobView(record: JobRecord, now: number): JobView {
  const end = record.finishedAt !== undefined ? Date.parse(record.finishedAt) : now;
  const elapsedMs = Math.max(0, end - Date.parse(record.createdAt));
  const seconds = elapsedMs / 1000;
  const rate = seconds > 0 ? Math.round(record.rowsRead / seconds) : 0;
  let etaSeconds: number | null = record.status === 'running' ? null : 0;
  if (record.status === 'running' && record.bytesTotal !== undefined && record.bytesRead > 0 && seconds > 0) {
    etaSeconds = Math.round(((record.bytesTotal - record.bytesRead) / (record.bytesRead / seconds)) * 10) / 10;
  }
  return { ...record, elapsedMs, rate, etaSeconds };
}
