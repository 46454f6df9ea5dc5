import { closeStore, openStore } from '../../snapshots/index.js';
import type { Clock } from './clock.js';
import { Engine } from './engine.js';
import { recover, type RecoveryReport } from './recovery.js';
import { Snapshotter } from './snapshotter.js';

export interface OpenEngineOptions {
  dataDir: string;
  clock?: Clock;
  onFatal?: (error: Error) => void;
  snapshotIntervalMs?: number;
  unsafeEarlyAck?: boolean;
  /** Runs after the engine exists and before recovery: register machines (workflows) that stored actors need. */
  prepare?: (engine: Engine) => void;
}

/** A running engine with its store and snapshotter. */
export interface RunningEngine {
  engine: Engine;
  snapshotter: Snapshotter;
  recovery: RecoveryReport;
  /** Writes all snapshots, waits for the disk, and closes the store. */
  close(): Promise<void>;
}

/** Opens the data dir, recovers the last durable state, and starts snapshotting. */
export function openEngine(options: OpenEngineOptions): RunningEngine {
  const store = openStore(options.dataDir);
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
  const snapshotter = new Snapshotter(engine, options.snapshotIntervalMs !== undefined ? { intervalMs: options.snapshotIntervalMs } : {});
  snapshotter.start();
  let closed: Promise<void> | undefined;
  return {
    engine,
    snapshotter,
    recovery,
    close: () =>
      (closed ??= (async () => {
        engine.stopTimers();
        await snapshotter.stop();
        if (!engine.failure) snapshotter.writeAll();
        await closeStore(store);
      })()),
  };
}
