import { randomBytes } from 'node:crypto';
import { SCHEMA_VERSION, canBeKey, checkVersion } from '../../snapshots/index.js';
import { DomainError } from '../domain/errors.js';
import type { Engine } from '../engine/index.js';
import type { BatchFormat } from './formats.js';
import { BulkJob, JOB_ROW_LIMIT, jobView, progressOf, type JobRecord, type JobView } from './job.js';
import { loadBuffered, loadStream, type BulkLoader } from './load.js';
import type { LoadReport } from './tally.js';

export interface BulkJobsOptions {
  /** Largest body a bulk load may send, in bytes. */
  maxBatchBytes: number;
}

/** Loads running at once; each holds a window of rows and a connection. */
const MAX_RUNNING = 4;
/** Finished job records kept; older ones are removed when a new job starts. */
const KEPT_JOBS = 500;
const INTERRUPTED = 'the server stopped during the load; the counts are what was applied and made durable before it stopped';

/** A load to start as a job: its body as it streams in, and what is known of it when it arrives. */
export interface JobStart {
  format: BatchFormat;
  body: AsyncIterable<Uint8Array>;
  /** The body's Content-Length, when the client sent one (the ETA needs it). */
  bytesTotal?: number;
  /** When the request arrived (ms since epoch); the job's start. */
  receivedAt?: number;
  /** Who asked (an API key's id). */
  by?: string;
}

/**
 * Bulk loads of every kind (`BulkLoader`): small bodies answered at once, large ones run as jobs. A job's
 * record is written with the facts of each chunk, in the same LMDB transaction, so after a crash it says
 * exactly what was durable; at start-up a record still `running` becomes `interrupted`.
 */
export class BulkJobs {
  readonly maxBatchBytes: number;
  private readonly running = new Map<string, { job: BulkJob; finished: Promise<void> }>();

  constructor(
    private readonly ports: { readonly engine: Engine },
    options: BulkJobsOptions,
  ) {
    this.maxBatchBytes = options.maxBatchBytes;
    this.markInterrupted();
  }

  /** Loads a body already in memory and answers with everything it did (every rejected row listed). */
  async loadSmall(loader: BulkLoader, pieces: ReadonlyArray<Uint8Array>, format: BatchFormat, by?: string): Promise<LoadReport> {
    const tally = loader.tally(Infinity);
    await loadBuffered(loader, pieces, format, tally, by);
    return tally.report();
  }

  /**
   * Starts a job loading `start.body` with `loader`. `uploaded` resolves when the body has been read (the job
   * then still applies and flushes its last rows). At shutdown the job's `stop` signal aborts; the caller
   * then ends the upload.
   */
  start(loader: BulkLoader, start: JobStart): { job: BulkJob; uploaded: Promise<void> } {
    if (this.running.size >= MAX_RUNNING) {
      throw new DomainError('rate_limited', `${MAX_RUNNING} bulk loads are running; start this one when one of them is done`);
    }
    const receivedAt = start.receivedAt ?? this.ports.engine.clock.now();
    const id = `job_${receivedAt.toString(36).padStart(9, '0')}${randomBytes(4).toString('hex')}`;
    const job = new BulkJob(id, loader.kind, start.format, receivedAt, start.bytesTotal, loader.tally(JOB_ROW_LIMIT));
    this.prune();
    this.save(job);
    let uploaded!: () => void;
    const whenUploaded = new Promise<void>((resolve) => (uploaded = resolve));
    const finished = this.run(loader, job, start, uploaded).finally(() => {
      uploaded();
      this.running.delete(job.id);
    });
    this.running.set(job.id, { job, finished });
    return { job, uploaded: whenUploaded };
  }

  /** A job's current view, live or stored. */
  view(id: string): JobView | undefined {
    const now = this.ports.engine.clock.now();
    const live = this.running.get(id);
    if (live) return jobView(progressOf(live.job, now), now);
    if (!canBeKey(id)) return undefined;
    const stored = this.ports.engine.store.jobs.get(id);
    if (!stored) return undefined;
    checkVersion('job', stored);
    return jobView(stored.doc as JobRecord, now);
  }

  /**
   * The newest jobs first (ids sort by creation time). Running jobs are listed from memory too: a job's
   * first record reaches the store with the next commit, and a job just started must be listed at once.
   */
  list(limit: number): JobView[] {
    const ids = new Set<string>(this.running.keys());
    for (const id of this.ports.engine.store.jobs.getKeys({ reverse: true, limit })) ids.add(id as string);
    const out: JobView[] = [];
    for (const id of [...ids].sort().reverse().slice(0, limit)) {
      const v = this.view(id);
      if (v) out.push(v);
    }
    return out;
  }

  /** Stops every running job (shutdown): nothing more is applied, and each ends `interrupted`. */
  async close(): Promise<void> {
    for (const { job } of this.running.values()) job.stop.abort();
    await Promise.all([...this.running.values()].map((r) => r.finished));
  }

  private async run(loader: BulkLoader, job: BulkJob, start: JobStart, uploaded: () => void): Promise<void> {
    const hooks = { job: job.id, afterStep: () => void this.save(job), onBodyRead: uploaded, ...(start.by !== undefined ? { by: start.by } : {}) };
    let status: JobRecord['status'] = 'done';
    let error: JobRecord['error'];
    const resumeSnapshots = this.ports.engine.deferSnapshots();
    try {
      await loadStream(loader, this.counted(job, start.body), job.format, job.tally, hooks, job.stop.signal);
    } catch (e) {
      status = 'failed';
      error = failureOf(e, loader.whenBroken);
    } finally {
      resumeSnapshots();
    }
    if (job.stop.signal.aborted) {
      status = 'interrupted';
      error = { type: 'unavailable', message: INTERRUPTED };
    }
    job.finishedAt = this.ports.engine.clock.now();
    // The final status is shown only once its record is on disk: a client told `done` must never find the
    // job `interrupted` after a crash.
    await this.save(job, status, error);
    job.status = status;
    job.error = error;
  }

  /** Counts bytes for progress and stops a body that outgrows the limit. */
  private async *counted(job: BulkJob, body: AsyncIterable<Uint8Array>): AsyncIterable<Uint8Array> {
    for await (const piece of body) {
      job.bytesRead += piece.length;
      if (job.bytesRead > this.maxBatchBytes) {
        throw new DomainError('payload_too_large', `bulk loads are limited to ${this.maxBatchBytes} bytes; split the file`);
      }
      yield piece;
    }
  }

  /** Writes the job's record; it joins the transaction of the step just run. Resolves once it is on disk. */
  private save(job: BulkJob, status = job.status, error = job.error): Promise<void> {
    const report = job.tally.report();
    const record = job.record(this.ports.engine.clock.now(), report);
    record.status = status;
    if (error) record.error = error;
    const flushed = this.ports.engine.journal.whenFlushed(this.ports.engine.store.jobs.put(job.id, { v: SCHEMA_VERSION, doc: record }));
    return flushed.then(
      () => void (job.durable = report),
      () => undefined, // the engine has failed and stops the process
    );
  }

  private markInterrupted(): void {
    for (const { key, value } of this.ports.engine.store.jobs.getRange()) {
      checkVersion('job', value);
      const record = value.doc as JobRecord;
      if (record.status !== 'running') continue;
      const interrupted: JobRecord = {
        ...record,
        status: 'interrupted',
        finishedAt: record.updatedAt,
        error: { type: 'unavailable', message: INTERRUPTED },
      };
      this.ports.engine.store.jobs.put(key, { v: SCHEMA_VERSION, doc: interrupted }).catch((e: unknown) => this.ports.engine.fail(e as Error));
    }
  }

  /** Removes the oldest finished records beyond KEPT_JOBS (ids sort by start time). */
  private prune(): void {
    const excess = this.ports.engine.store.jobs.getCount() - KEPT_JOBS;
    if (excess <= 0) return;
    for (const id of this.ports.engine.store.jobs.getKeys({ limit: excess })) {
      if (!this.running.has(id)) this.ports.engine.store.jobs.remove(id).catch((e: unknown) => this.ports.engine.fail(e as Error));
    }
  }
}

/** The refusals that are the body's fault: its structure, its size. */
const BODY_FAULTS = new Set(['invalid_request', 'payload_too_large']);

/** Why a job failed, for its record: the body's fault or an upload cut off (with what became of the rows read), or the engine's. */
function failureOf(e: unknown, whenBroken: string): { type: string; message: string } {
  if (e instanceof DomainError) return { type: e.type, message: BODY_FAULTS.has(e.type) ? `${e.message}; ${whenBroken}` : e.message };
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ECONNRESET' || code === 'ERR_STREAM_PREMATURE_CLOSE' || (e as Error).message === 'aborted') {
    return { type: 'invalid_request', message: `the upload stopped before its end; ${whenBroken}` };
  }
  return { type: 'internal', message: (e as Error).message };
}
