import { constants, existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { chmod, copyFile, mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { SCHEMA_VERSION, STORE_FILE } from '../../snapshots/index.js';
import { DomainError } from '../domain/errors.js';
import { checkCopy } from './check-copy.js';
import { readManifest, sha256Of, syncPath, type BackupFile, type BackupManifest } from './manifest.js';

/** What a restore found and did. */
export interface RestoreReport {
  manifest: BackupManifest;
  dataDir: string;
  /** Journal entries in the copy past its snapshots (what the node replays at start). */
  journalEntries: number;
}

/**
 * Restores a backup into a new data dir (absent or empty), checking it on the way: its manifest (present,
 * well-formed, versions this build reads), every file against the manifest's size and SHA-256 before and
 * after the copy, and the restored store itself (it opens, every journal entry decodes, the sequences have no
 * hole, it covers exactly the sequence the manifest claims). The backup directory is only read. A backup that
 * fails a check leaves nothing in the data dir. A node started on it recovers as after any restart and
 * continues from the backup's sequence.
 */
export async function restoreBackup(from: string, dataDir: string): Promise<RestoreReport> {
  const source = resolve(from);
  if (!existsSync(source) || !statSync(source).isDirectory()) throw new DomainError('invalid_request', `no backup directory at ${source}`);
  const manifest = readManifest(source);
  if (!manifest.files.some((f) => f.name === STORE_FILE)) throw new DomainError('invalid_request', `the manifest in ${source} lists no ${STORE_FILE}`);
  if (manifest.schemaVersion > SCHEMA_VERSION) {
    throw new DomainError('invalid_request', `the backup's store has schema version ${manifest.schemaVersion}; this build reads up to ${SCHEMA_VERSION}: restore it with a newer Fulcrum`);
  }
  for (const f of manifest.files) await checkFile(join(source, f.name), f);
  const target = resolve(dataDir);
  const created = !existsSync(target);
  if (!created) {
    if (!statSync(target).isDirectory()) throw new DomainError('invalid_request', `${target} exists and is not a directory`);
    if (readdirSync(target).length > 0) throw new DomainError('conflict', `${target} is not empty; restore into a new or empty data dir (a restore never overwrites a store)`);
  }
  await mkdir(target, { recursive: true });
  try {
    for (const f of manifest.files) {
      const path = join(target, f.name);
      await copyFile(join(source, f.name), path, constants.COPYFILE_EXCL);
      await chmod(path, 0o600);
      await syncPath(path);
    }
    await syncPath(target);
    const { facts, files } = await checkCopy({ dir: target, names: manifest.files.map((f) => f.name) });
    for (const f of files) {
      const listed = manifest.files.find((m) => m.name === f.name)!;
      if (f.sha256 !== listed.sha256) throw new DomainError('invalid_request', `${join(target, f.name)} does not match its checksum after the copy: check the disk of ${target}`);
    }
    if (facts.journalSeq !== manifest.journalSeq) {
      throw new DomainError('invalid_request', `the manifest says the backup covers journal sequence ${manifest.journalSeq}, its store covers ${facts.journalSeq}: the backup is not what its manifest describes`);
    }
    if (manifest.clusterSeq !== undefined && facts.clusterSeq !== manifest.clusterSeq) {
      throw new DomainError('invalid_request', `the manifest says the backup covers journal stream sequence ${manifest.clusterSeq}, its store covers ${facts.clusterSeq ?? 'none'}: the backup is not what its manifest describes`);
    }
    return { manifest, dataDir: target, journalEntries: facts.journalEntries };
  } catch (e) {
    for (const f of manifest.files) rmSync(join(target, f.name), { force: true });
    if (created) rmSync(target, { recursive: true, force: true });
    throw e;
  }
}

async function checkFile(path: string, f: BackupFile): Promise<void> {
  if (!existsSync(path)) throw new DomainError('invalid_request', `${path} is missing; the manifest lists it`);
  const bytes = statSync(path).size;
  if (bytes !== f.bytes) throw new DomainError('invalid_request', `${path} has ${bytes} bytes, the manifest says ${f.bytes}: the file is damaged or was changed`);
  if ((await sha256Of(path)) !== f.sha256) throw new DomainError('invalid_request', `${path} does not match its checksum in the manifest: the file is damaged or was changed`);
}
