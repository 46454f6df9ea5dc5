import { existsSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { open, type Database, type RootDatabase } from 'lmdb';
import { lastSequence } from './journal.js';
import { checkVersion, type JournalEntry } from './records.js';
import { STORE_FILE, type Store } from './store.js';

/** What a copy of the store holds, read from the copy itself. */
export interface StoreCopyFacts {
  /** The highest journal sequence in the copy: every fact up to it is there, none after it. */
  journalSeq: number;
  /** The schema version the copied store was created with. */
  schemaVersion: number;
  /** Journal entries still in the copy (the tail its snapshots do not cover), each decoded and checked. */
  journalEntries: number;
  /**
   * Cluster mode: the journal stream sequence the copy covers exactly, when it was taken on a follower (its
   * store holds the stream's batches up to it and nothing else); absent otherwise.
   */
  clusterSeq?: number;
}

/**
 * The `meta` key where a cluster follower records the journal stream sequence it applied, in the same
 * transaction as the batch: a copy of its store names exactly the stream prefix it holds. A leader removes
 * it (its store may run ahead of what the stream acknowledged).
 */
export const CLUSTER_APPLIED_KEY = 'cluster.applied';

/** The LMDB environment a copy is taken from: a live store's, or one opened read-only on a stopped data dir. */
export type CopySource = Pick<RootDatabase, 'backup' | 'getStats'>;

/**
 * Writes a compacted copy of the environment to `file` (which must not exist). LMDB takes it in one read
 * transaction on a thread of libuv's pool, so it is consistent (one committed state, the last when it began)
 * and the engine's thread and its writes go on meanwhile; the writer can only not reuse the pages the copy's
 * snapshot still needs, so the file may grow by what is written during the copy.
 */
export function copyStore(source: CopySource, file: string): Promise<void> {
  return source.backup(file, true);
}

/** The bytes the environment's pages take up to its last used page: an upper bound of a compacted copy. */
export function storeBytesInUse(source: CopySource): number {
  const stats = source.getStats() as { lastPageNumber?: number; pageSize?: number };
  return ((stats.lastPageNumber ?? 0) + 1) * (stats.pageSize ?? 4096);
}

/** What the store holds on disk: its file, the pages in use, and each database's records and pages. */
export interface StoreStats {
  /** The file's size: LMDB grows it ahead of use (the map), and never shrinks it. */
  fileBytes: number;
  /** The pages written so far (the map's high-water mark), free ones included: a compacting backup copies less. */
  usedBytes: number;
  /** By database, as LMDB names it (`timeline`, `open-entities`, ...): records and the bytes of their pages. */
  databases: Array<{ name: string; records: number; bytes: number }>;
}

/** The store's sizes, for `/metrics`: each call reads LMDB's own statistics (0.17 ms for the 22 databases of a 1.5 GB store). */
export function storeStats(store: Store): StoreStats {
  const databases: StoreStats['databases'] = [];
  // Every database the store opened: whatever else it carries (the root, the path) is not one.
  for (const value of Object.values(store)) {
    if (value === store.root || typeof (value as { getStats?: unknown }).getStats !== 'function') continue;
    const db = value as Database & { name: string };
    const st = db.getStats() as { pageSize: number; entryCount: number; treeBranchPageCount: number; treeLeafPageCount: number; overflowPages: number };
    databases.push({ name: db.name, records: st.entryCount, bytes: (st.treeBranchPageCount + st.treeLeafPageCount + st.overflowPages) * st.pageSize });
  }
  return { fileBytes: statSync(store.path).size, usedBytes: storeBytesInUse(store.root), databases };
}

/** Opens the store of a stopped data dir read-only, to copy it without starting an engine. */
export function openStoreForCopy(dataDir: string): RootDatabase {
  const path = join(dataDir, STORE_FILE);
  if (!existsSync(path)) throw new Error(`${dataDir} holds no Fulcrum store (${STORE_FILE})`);
  return open({ path, readOnly: true, maxDbs: 32 });
}

/**
 * Opens a copy read-only and reads what it covers; every journal entry is decoded, so a copy that is torn or
 * not Fulcrum's is refused here rather than when a node starts on it. It reads the whole journal tail:
 * call it off the engine's thread (50,000 entries took 1.4 s). LMDB creates a lock file beside any store it
 * opens (lmdb-js has no MDB_NOLOCK); one this call created is removed, so a backup holds only its files.
 */
export async function inspectStoreCopy(file: string): Promise<StoreCopyFacts> {
  if (!existsSync(file)) throw new Error(`no store copy at ${file}`);
  const lock = `${file}-lock`;
  const lockExisted = existsSync(lock);
  const root = open({ path: file, readOnly: true, maxDbs: 32 });
  try {
    const plain = { encoder: { useRecords: false } };
    const meta = root.openDB<unknown, string>({ name: 'meta', ...plain });
    const journal = root.openDB<JournalEntry, number>({ name: 'journal', ...plain });
    const schemaVersion = meta.get('schemaVersion');
    if (typeof schemaVersion !== 'number') throw new Error(`the store copy at ${file} has no schema version: it is not a Fulcrum store`);
    let journalEntries = 0;
    let expected: number | undefined;
    for (const { key, value } of journal.getRange()) {
      checkVersion('journal', value);
      // Sequences are gap-free: a hole means the copy is not one committed state of the store.
      if (expected !== undefined && key !== expected) throw new Error(`the store copy's journal jumps from ${expected - 1} to ${key}`);
      if (value.seq !== key) throw new Error(`the store copy's journal entry ${key} says it is ${value.seq}`);
      expected = key + 1;
      journalEntries++;
    }
    const clusterSeq = meta.get(CLUSTER_APPLIED_KEY);
    return { journalSeq: lastSequence({ journal, meta } as Pick<Store, 'journal' | 'meta'>), schemaVersion, journalEntries, ...(typeof clusterSeq === 'number' ? { clusterSeq } : {}) };
  } finally {
    await root.close();
    if (!lockExisted) rmSync(lock, { force: true });
  }
}
