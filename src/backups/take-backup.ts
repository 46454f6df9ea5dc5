import { chmod, copyFile, mkdir, stat } from 'node:fs/promises';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { copyStore, STORE_FILE, storeBytesInUse, type CopySource } from '../../snapshots/index.js';
import { DomainError } from '../domain/errors.js';
import { checkCopy, checkCopyOffThread } from './check-copy.js';
import { fulcrumVersion, MANIFEST_VERSION, syncPath, writeManifest, type BackupManifest } from './manifest.js';

/** The admin key generated into a data dir when no keys are configured; a node restored without it would lock its admin out. */
const ADMIN_KEY_FILE = 'admin.key';

/** Where a backup is, updated as it goes (a job's view reads it). */
export interface BackupProgress {
  /** `checking`: the copy is read whole (its journal decoded, the sequence it covers) and every file hashed. */
  phase: 'copying' | 'checking' | 'done';
  /** Bytes of the store copy written so far, and the most it can take (the source's pages in use). */
  bytesCopied: number;
  bytesEstimated: number;
  /** Bytes hashed so far for the manifest's checksums. */
  bytesHashed: number;
}

export interface TakeBackup {
  source: CopySource;
  dataDir: string;
  /** A checked target (`checkTarget`): absent, or an empty directory. */
  to: string;
  mode: BackupManifest['mode'];
  /** Check the copy on a worker thread (a running server: its thread takes orders) or on this one (the CLI). */
  offThread: boolean;
  now: () => number;
  progress?: BackupProgress;
}

/** How often the size of the growing copy is read for progress. */
const PROGRESS_MS = 250;

/**
 * Takes a backup into `to`: LMDB's compacted copy of the store (consistent, off the engine's thread), the admin
 * key file if the data dir has one, then the manifest with the journal sequence the copy covers (read from the
 * copy itself, so it cannot disagree with it), the version and each file's SHA-256. The manifest is written
 * last: a directory without one is a backup that did not finish. A backup that fails leaves the target as it
 * found it.
 */
export async function takeBackup(o: TakeBackup): Promise<BackupManifest> {
  const created = !existsSync(o.to);
  try {
    return await copyAndDescribe(o);
  } catch (e) {
    // The target was new or empty when checked: what is in it now is this backup's, cut short. Removing it
    // lets the same directory be used again (a non-empty one is refused).
    if (created) rmSync(o.to, { recursive: true, force: true });
    else for (const name of readdirSync(o.to)) rmSync(join(o.to, name), { recursive: true, force: true });
    throw e;
  }
}

async function copyAndDescribe(o: TakeBackup): Promise<BackupManifest> {
  const started = o.now();
  const progress = o.progress ?? { phase: 'copying', bytesCopied: 0, bytesEstimated: 0, bytesHashed: 0 };
  progress.bytesEstimated = storeBytesInUse(o.source);
  await mkdir(o.to, { recursive: true });
  const storeFile = join(o.to, STORE_FILE);
  const watch = setInterval(() => {
    stat(storeFile).then(
      (s) => void (progress.bytesCopied = Math.max(progress.bytesCopied, s.size)),
      () => undefined,
    );
  }, PROGRESS_MS);
  try {
    await copyStore(o.source, storeFile);
  } catch (e) {
    throw new DomainError('internal', `LMDB could not copy the store to ${storeFile}: ${(e as Error).message}`);
  } finally {
    clearInterval(watch);
  }
  // LMDB closes the copy without flushing it: the manifest must never be on disk before the data it describes.
  await syncPath(storeFile);
  await chmod(storeFile, 0o600);
  progress.bytesCopied = (await stat(storeFile)).size;
  const names = [STORE_FILE];
  if (existsSync(join(o.dataDir, ADMIN_KEY_FILE))) {
    await copyFile(join(o.dataDir, ADMIN_KEY_FILE), join(o.to, ADMIN_KEY_FILE));
    await chmod(join(o.to, ADMIN_KEY_FILE), 0o600);
    await syncPath(join(o.to, ADMIN_KEY_FILE));
    names.push(ADMIN_KEY_FILE);
  }
  progress.phase = 'checking';
  const check = o.offThread ? checkCopyOffThread : checkCopy;
  const { facts, files } = await check({ dir: o.to, names }, (n) => (progress.bytesHashed += n));
  const finished = o.now();
  const manifest: BackupManifest = {
    format: 'fulcrum-backup',
    manifestVersion: MANIFEST_VERSION,
    fulcrumVersion: fulcrumVersion(),
    schemaVersion: facts.schemaVersion,
    journalSeq: facts.journalSeq,
    ...(facts.clusterSeq !== undefined ? { clusterSeq: facts.clusterSeq } : {}),
    mode: o.mode,
    startedAt: new Date(started).toISOString(),
    finishedAt: new Date(finished).toISOString(),
    durationMs: finished - started,
    bytes: files.reduce((sum, f) => sum + f.bytes, 0),
    files,
  };
  await writeManifest(o.to, manifest);
  progress.phase = 'done';
  return manifest;
}
