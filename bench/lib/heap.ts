import { spawnSync } from 'node:child_process';

/**
 * Heap figures need forced collections: re-runs the calling bench with `--expose-gc` (and exits with its
 * status) when `gc` is not exposed.
 */
export function requireGc(script: string, args: string[]): void {
  if (typeof globalThis.gc === 'function') return;
  const r = spawnSync(process.execPath, ['--expose-gc', script, ...args], { stdio: 'inherit' });
  process.exit(r.status ?? 1);
}

/** Lets pending work settle and collects garbage three times, so heapUsed shows what is kept. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 3; i++) {
    await new Promise((r) => setTimeout(r, 50));
    globalThis.gc!();
  }
}

/** Gives the event loop a turn (group commits, timers) in a long synchronous loop. */
export function yieldTurn(): Promise<void> {
  return new Promise((r) => setImmediate(r));
}
