import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { CopySource } from '../../snapshots/index.js';
import { DomainError } from '../domain/errors.js';
import { MANIFEST_FILE, type BackupManifest } from './manifest.js';
import { takeBackup, type BackupProgress } from './take-backup.js';
import { checkTarget } from './target.js';

/** Finished backups whose outcome `GET /ops/backups/:id` still answers (the manifest on disk is the lasting record). */
const KEPT = 50;

/** A backup job as `POST /ops/backups` and `GET /ops/backups/:id` show it. */
export interface BackupView {
  id: string;
  status: 'running' | 'done' | 'failed';
  phase: BackupProgress['phase'];
  to: string;
  startedAt: string;
  finishedAt?: string;
  elapsedMs: number;
  /** Copy progress: bytes written, of at most `bytesEstimated` (the source's pages in use; compaction makes it less). */
  bytesCopied: number;
  bytesEstimated: number;
  /** Done only: the journal sequence covered, the backup's bytes, its duration and its manifest's path. */
  journalSeq?: number;
  /** Cluster mode, taken on a follower: the journal stream sequence covered (a restored node catches up after it). */
  clusterSeq?: number;
  bytes?: number;
  durationMs?: number;
  manifest?: string;
  error?: { type: string; message: string };
  by?: string;
}

interface Job {
  id: string;
  to: string;
  startedAt: number;
  finishedAt?: number;
  by?: string;
  progress: BackupProgress;
  manifest?: BackupManifest;
  error?: { type: string; message: string };
  finished: Promise<void>;
}

/** What backups need of the server: the store's environment, the data dir, the clock. */
export interface BackupPorts {
  source: CopySource;
  dataDir: string;
  now: () => number;
}

/**
 * Online backups of a running server, one at a time (two copies would only compete for the same disk). Each
 * runs as a job: LMDB copies on a libuv thread while orders go on, and the view reports progress, then the
 * journal sequence covered, the size, the duration and the path.
 */
export class Backups {
  private readonly jobs = new Map<string, Job>();
  private running: Job | undefined;

  constructor(private readonly ports: BackupPorts) {}

  /** Checks the target and starts a backup into it; 409 while another runs. */
  start(to: string, by?: string): BackupView {
    if (this.running) {
      throw new DomainError('conflict', `backup ${this.running.id} is running; start another when it is done (GET /ops/backups/${this.running.id})`, [{ path: 'running', message: this.running.id }]);
    }
    const target = checkTarget(to, this.ports.dataDir);
    const startedAt = this.ports.now();
    const id = `bkp_${startedAt.toString(36).padStart(9, '0')}${randomBytes(4).toString('hex')}`;
    const progress: BackupProgress = { phase: 'copying', bytesCopied: 0, bytesEstimated: 0, bytesHashed: 0 };
    const job: Job = { id, to: target, startedAt, progress, finished: Promise.resolve(), ...(by !== undefined ? { by } : {}) };
    job.finished = takeBackup({ source: this.ports.source, dataDir: this.ports.dataDir, to: target, mode: 'online', offThread: true, now: this.ports.now, progress }).then(
      (manifest) => void (job.manifest = manifest),
      (e: unknown) => void (job.error = e instanceof DomainError ? { type: e.type, message: e.message } : { type: 'internal', message: (e as Error).message }),
    ).finally(() => {
      job.finishedAt = this.ports.now();
      this.running = undefined;
    });
    this.running = job;
    this.prune();
    this.jobs.set(id, job);
    return this.viewOf(job);
  }

  /** A backup's current view; undefined for an id this process never started (or has forgotten). */
  view(id: string): BackupView | undefined {
    const job = this.jobs.get(id);
    return job && this.viewOf(job);
  }

  /** The backups this process took, newest first. */
  list(): BackupView[] {
    return [...this.jobs.values()].reverse().map((j) => this.viewOf(j));
  }

  /** Waits for a running backup: LMDB's copy cannot be cut short, and the store must not close under it. */
  async close(): Promise<void> {
    await this.running?.finished;
  }

  private viewOf(job: Job): BackupView {
    const end = job.finishedAt ?? this.ports.now();
    const status = job.finishedAt === undefined ? 'running' : job.error ? 'failed' : 'done';
    const view: BackupView = {
      id: job.id,
      status,
      phase: job.progress.phase,
      to: job.to,
      startedAt: new Date(job.startedAt).toISOString(),
      elapsedMs: end - job.startedAt,
      bytesCopied: job.progress.bytesCopied,
      bytesEstimated: job.progress.bytesEstimated,
    };
    if (job.finishedAt !== undefined) view.finishedAt = new Date(job.finishedAt).toISOString();
    if (job.manifest) {
      view.journalSeq = job.manifest.journalSeq;
      if (job.manifest.clusterSeq !== undefined) view.clusterSeq = job.manifest.clusterSeq;
      view.bytes = job.manifest.bytes;
      view.durationMs = job.manifest.durationMs;
      view.manifest = join(job.to, MANIFEST_FILE);
    }
    if (job.error) view.error = job.error;
    if (job.by !== undefined) view.by = job.by;
    return view;
  }

  private prune(): void {
    for (const id of this.jobs.keys()) {
      if (this.jobs.size < KEPT) return;
      this.jobs.delete(id);
    }
  }
}
