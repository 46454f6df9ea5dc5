import { existsSync, readdirSync, statSync } from 'node:fs';
import { chmod, copyFile, mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { constants } from 'node:fs';
import { inspectStoreCopy, SCHEMA_VERSION, STORE_FILE } from '../../snapshots/index.js';
import { DomainError } from '../domain/errors.js';
import { readManifest, sha256Of, syncPath, type BackupManifest } from './manifest.js';

/** What a restore found and did. */
export interface RestoreReport {
  manifest: BackupManifest;
  dataDir: string;
  /** Journal entries in the copy past its snapshots (what the node replays at start). */
  journalEntries: number;
}

/**
 * Checks a backup before anything is restored from it: its manifest (present, well-formed, a version this
 * build reads), every file against the manifest's size and SHA-256, and the store copy itself (it opens, every
 * journal entry decodes, the sequences have no hole, and it covers exactly the sequence the manifest claims).
 */
export async function verifyBackup(from: string): Promise<{ manifest: BackupManifest; journalEntries: number }> {
  const dir = resolve(from);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new DomainError('invalid_request', `no backup directory at ${dir}`);
  const manifest = readManifest(dir);
  if (!manifest.files.some((f) => f.name === STORE_FILE)) throw new DomainError('invalid_request', `the manifest in ${dir} lists no ${STORE_FILE}`);
  if (manifest.schemaVersion > SCHEMA_VERSION) {
    throw new DomainError('invalid_request', `the backup's store has schema version ${manifest.schemaVersion}; this build reads up to ${SCHEMA_VERSION}: restore it with a newer Fulcrum`);
  }
  for (const f of manifest.files) await checkFile(join(dir, f.name), f);
  let facts;
  try {
    facts = await inspectStoreCopy(join(dir, STORE_FILE));
  } catch (e) {
    throw new DomainError('invalid_request', `the store in ${dir} cannot be read whole: ${(e as Error).message}`);
  }
  if (facts.journalSeq !== manifest.journalSeq) {
    throw new DomainError('invalid_request', `the manifest says the backup covers journal sequence ${manifest.journalSeq}, its store covers ${facts.journalSeq}: the backup is not what its manifest describes`);
  }
  return { manifest, journalEntries: facts.journalEntries };
}

/**
 * Restores a verified backup into a new data dir (absent or empty): its files are copied, flushed and checked
 * again, so a node started on `dataDir` holds exactly the backup. The node recovers as after any restart: it
 * loads the snapshots and replays the journal tail, and continues from the backup's sequence.
 */
export async function restoreBackup(from: string, dataDir: string): Promise<RestoreReport> {
  const { manifest, journalEntries } = await verifyBackup(from);
  const target = resolve(dataDir);
  if (existsSync(target)) {
    if (!statSync(target).isDirectory()) throw new DomainError('invalid_request', `${target} exists and is not a directory`);
    if (readdirSync(target).length > 0) throw new DomainError('conflict', `${target} is not empty; restore into a new or empty data dir (a restore never overwrites a store)`);
  }
  await mkdir(target, { recursive: true });
  for (const f of manifest.files) {
    const path = join(target, f.name);
    await copyFile(join(resolve(from), f.name), path, constants.COPYFILE_EXCL);
    await chmod(path, 0o600);
    await syncPath(path);
    await checkFile(path, f);
  }
  await syncPath(target);
  return { manifest, dataDir: target, journalEntries };
}

async function checkFile(path: string, f: BackupManifest['files'][number]): Promise<void> {
  if (!existsSync(path)) throw new DomainError('invalid_request', `${path} is missing; the manifest lists it`);
  const bytes = statSync(path).size;
  if (bytes !== f.bytes) throw new DomainError('invalid_request', `${path} has ${bytes} bytes, the manifest says ${f.bytes}: the file is damaged or was changed`);
  const sha256 = await sha256Of(path);
  if (sha256 !== f.sha256) throw new DomainError('invalid_request', `${path} does not match its checksum in the manifest: the file is damaged or was changed`);
}
