import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { inspectStoreCopy, STORE_FILE, type StoreCopyFacts } from '../../snapshots/index.js';
import { DomainError } from '../domain/errors.js';
import { sha256Of, type BackupFile } from './manifest.js';

/** What to check: the files of a backup (or of a restored data dir) in `dir`, the store among them. */
export interface CheckRequest {
  dir: string;
  names: string[];
}

/** What the store copy covers, and each file's size and SHA-256. */
export interface CheckResult {
  facts: StoreCopyFacts;
  files: BackupFile[];
}

/** The messages of the check's worker thread, all of them. */
export type CheckMessage = { t: 'hashed'; bytes: number } | { t: 'done'; result: CheckResult } | { t: 'failed'; message: string };

/** Reads the store copy whole (every journal entry decoded) and hashes every file. */
export async function checkCopy(request: CheckRequest, onHashed?: (bytes: number) => void): Promise<CheckResult> {
  let facts: StoreCopyFacts;
  try {
    facts = await inspectStoreCopy(join(request.dir, STORE_FILE));
  } catch (e) {
    throw new DomainError('invalid_request', `the store in ${request.dir} cannot be read whole: ${(e as Error).message}`);
  }
  const files: BackupFile[] = [];
  for (const name of request.names) {
    const path = join(request.dir, name);
    files.push({ name, bytes: (await stat(path)).size, sha256: await sha256Of(path, onHashed) });
  }
  return { facts, files };
}

/**
 * `checkCopy` on a worker thread, for a running server: reading a copy's journal tail and hashing its
 * gigabytes would otherwise hold the engine's thread (a 50,000-entry tail took 1.4 s to decode).
 */
export function checkCopyOffThread(request: CheckRequest, onHashed?: (bytes: number) => void): Promise<CheckResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./check-worker.js', import.meta.url), { workerData: request });
    let settled = false;
    worker.on('message', (m: CheckMessage) => {
      if (m.t === 'hashed') onHashed?.(m.bytes);
      else {
        settled = true;
        if (m.t === 'done') resolve(m.result);
        else reject(new DomainError('invalid_request', m.message));
      }
    });
    worker.once('error', (e) => {
      settled = true;
      reject(e);
    });
    worker.once('exit', (code) => {
      if (!settled) reject(new Error(`the backup check's worker stopped (exit ${code}) before it answered`));
    });
  });
}
