import { createHash } from 'node:crypto';
import { createReadStream, readFileSync } from 'node:fs';
import { open, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { DomainError } from '../domain/errors.js';

/** The file in a backup directory that makes it a finished backup: written last, atomically. */
export const MANIFEST_FILE = 'manifest.json';
/** What `format` says in every manifest, so a restore never takes another tool's directory for a backup. */
const FORMAT = 'fulcrum-backup';
/** The manifest layout this build writes and reads up to. */
export const MANIFEST_VERSION = 1;

/** One file of a backup, with what a restore checks it against. */
export interface BackupFile {
  name: string;
  bytes: number;
  sha256: string;
}

/** What a backup holds and covers; `manifest.json` in the backup directory. */
export interface BackupManifest {
  format: typeof FORMAT;
  manifestVersion: number;
  /** The Fulcrum release (package.json) that took it, and the schema version of the store it copied. */
  fulcrumVersion: string;
  schemaVersion: number;
  /**
   * The journal sequence the backup covers: every fact up to it is in the copy, none after it. A node
   * restored from it continues from the next sequence; a cluster node would catch up from the stream there.
   */
  journalSeq: number;
  /**
   * Cluster mode, a backup taken on a follower: the journal stream sequence the copy covers exactly. A node
   * restored from it in cluster mode catches up from the stream after it. Absent for a single process or a
   * leader (whose store may run ahead of the stream); such a backup restores a cluster node from its latest
   * snapshot instead.
   */
  clusterSeq?: number;
  /** `online`: copied from a running server (`POST /ops/backups`); `offline`: from a stopped data dir. */
  mode: 'online' | 'offline';
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  /** The bytes of all files. */
  bytes: number;
  files: BackupFile[];
}

/** The release in package.json, which every manifest records. */
export function fulcrumVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version?: unknown };
  return typeof pkg.version === 'string' ? pkg.version : 'unknown';
}

/** The SHA-256 of a file, read in chunks (the hashing runs between other work, one 1 MiB piece at a time). */
export async function sha256Of(path: string, onBytes?: (n: number) => void): Promise<string> {
  const hash = createHash('sha256');
  for await (const piece of createReadStream(path, { highWaterMark: 1024 * 1024 })) {
    hash.update(piece as Buffer);
    onBytes?.((piece as Buffer).length);
  }
  return hash.digest('hex');
}

/**
 * Writes the manifest under a temporary name, flushes it, renames it into place and flushes the directory:
 * a backup cut short (crash, full disk) has no manifest, and a restore refuses it.
 */
export async function writeManifest(dir: string, manifest: BackupManifest): Promise<void> {
  const tmp = join(dir, `${MANIFEST_FILE}.tmp`);
  const file = await open(tmp, 'wx', 0o600);
  try {
    await file.writeFile(JSON.stringify(manifest, null, 2) + '\n');
    await file.sync();
  } finally {
    await file.close();
  }
  await rename(tmp, join(dir, MANIFEST_FILE));
  await syncPath(dir);
}

/** Flushes a file or directory to disk. */
export async function syncPath(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Reads and checks the shape of a backup's manifest; a missing or malformed one is refused with what is wrong. */
export function readManifest(dir: string): BackupManifest {
  let text: string;
  try {
    text = readFileSync(join(dir, MANIFEST_FILE), 'utf8');
  } catch {
    throw new DomainError('invalid_request', `${dir} has no ${MANIFEST_FILE}: it is not a finished Fulcrum backup (a backup cut short has none)`);
  }
  let m: Partial<BackupManifest>;
  try {
    m = JSON.parse(text) as Partial<BackupManifest>;
  } catch (e) {
    throw new DomainError('invalid_request', `${join(dir, MANIFEST_FILE)} is not valid JSON: ${(e as Error).message}`);
  }
  const bad = (what: string) => new DomainError('invalid_request', `${join(dir, MANIFEST_FILE)}: ${what}`);
  if (m.format !== FORMAT) throw bad(`format must be '${FORMAT}'`);
  if (!Number.isInteger(m.manifestVersion) || m.manifestVersion! < 1) throw bad('manifestVersion must be a whole number from 1');
  if (m.manifestVersion! > MANIFEST_VERSION) throw bad(`manifestVersion ${m.manifestVersion} is newer than this build reads (${MANIFEST_VERSION}): restore it with a newer Fulcrum`);
  if (!Number.isInteger(m.journalSeq) || m.journalSeq! < 0) throw bad('journalSeq must be a whole number');
  if (m.clusterSeq !== undefined && (!Number.isInteger(m.clusterSeq) || m.clusterSeq < 0)) throw bad('clusterSeq, when present, must be a whole number');
  if (!Number.isInteger(m.schemaVersion)) throw bad('schemaVersion must be a whole number');
  if (!Array.isArray(m.files) || m.files.length === 0) throw bad('files must list the files of the backup');
  for (const f of m.files) {
    if (typeof f?.name !== 'string' || !/^[\w.-]+$/.test(f.name) || !Number.isInteger(f.bytes) || !/^[0-9a-f]{64}$/.test(f.sha256)) {
      throw bad(`each file needs a plain name, its bytes and a sha256 (got ${JSON.stringify(f)})`);
    }
  }
  return m as BackupManifest;
}
