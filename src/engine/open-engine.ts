import { closeStore, openStore, SnapshotWriter, type SnapshotSource } from '../../snapshots/index.js';
import { locationMachine } from '../../actors/index.js';
import type { Clock } from './clock.js';
import { Engine } from './engine.js';
import { LOCATION_MACHINE } from './machines.js';
import { recover, type RecoveryReport } from './recovery.js';
import { actorKey, type ActorEntry, type EntityEntry, type LocationEntry } from './registry.js';

/** How late each commit starts under the unsafe early acknowledgement (a test's negative control). */
const UNSAFE_COMMIT_DELAY_MS = 50;

export interface OpenEngineOptions {
  dataDir: string;
  clock?: Clock;
  onFatal?: (error: Error) => void;
  snapshotIntervalMs?: number;
  unsafeEarlyAck?: boolean;
  /** False: the store's commits are not flushed to disk (a cluster node's; see `StoreOptions`). */
  flushToDisk?: boolean;
  /**
   * Runs after the engine exists and before recovery: modules register their listeners, effect handlers and
   * recovery steps, and workflows the machines that stored actors need.
   */
  prepare?: (engine: Engine) => void;
}

/** A running engine with its store and snapshot writer. */
export interface RunningEngine {
  engine: Engine;
  snapshotter: SnapshotWriter;
  recovery: RecoveryReport;
  /** Writes all snapshots, waits for the disk, and closes the store. */
  close(): Promise<void>;
}

/** Opens the data dir, recovers the last durable state, and starts snapshotting. */
export function openEngine(options: OpenEngineOptions): RunningEngine {
  const store = openStore(options.dataDir, {
    ...(options.flushToDisk === false ? { flushToDisk: false } : {}),
    // The negative control acknowledges before the commit; the commit waits so that a crash finds it missing.
    ...(options.unsafeEarlyAck ? { unsafeCommitDelayMs: UNSAFE_COMMIT_DELAY_MS } : {}),
  });
  const engine = new Engine({
    store,
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.onFatal ? { onFatal: options.onFatal } : {}),
    ...(options.unsafeEarlyAck ? { unsafeEarlyAck: true } : {}),
  });
  let recovery: RecoveryReport;
  try {
    options.prepare?.(engine);
    recovery = recover(engine);
  } catch (e) {
    void store.root.close();
    throw e;
  }
  const snapshotter = new SnapshotWriter(snapshotSource(engine), options.snapshotIntervalMs !== undefined ? { intervalMs: options.snapshotIntervalMs } : {});
  snapshotter.start();
  let closed: Promise<void> | undefined;
  return {
    engine,
    snapshotter,
    recovery,
    close: () =>
      (closed ??= (async () => {
        engine.closing = true;
        engine.stopTimers();
        await snapshotter.stop();
        if (!engine.failure) snapshotter.writeAll();
        await closeStore(store);
      })()),
  };
}

/** The engine as the snapshot writer sees it. */
function snapshotSource(engine: Engine): SnapshotSource {
  const { registry } = engine;
  return {
    store: engine.store,
    journal: engine.journal,
    get failure() {
      return engine.failure;
    },
    fail: (e) => engine.fail(e),
    dirty: registry.dirty as SnapshotSource['dirty'],
    lowWater: () => registry.lowWater(),
    deferred: () => engine.snapshotsDeferred,
    keyOf: (entry) => actorKey(entry as ActorEntry),
    locationMachine: LOCATION_MACHINE,
    persistLocation: (entry) => locationMachine.getPersistedSnapshot((entry as LocationEntry).snapshot),
    passivating: engine.passivating,
    release: (entry) => registry.entities((entry as EntityEntry).kind).delete(entry.id),
  };
}
