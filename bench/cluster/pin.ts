import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/**
 * `--pin` of `npm run bench:cluster`: emulates "the leader has its own machine" on one box with CPU
 * affinity (`taskset`, util-linux). The process under load (the cluster's leader, or the embedded server)
 * gets core 0 alone; everything else (followers, nats-servers, the load generator) shares core 1. Affinity
 * bounds where threads run, not what they share otherwise (memory bandwidth, caches beyond L2, the kernel's
 * loopback work, which runs on whichever core sends), and the load generator competes with the followers and
 * NATS for core 1, which separate machines would not make it do.
 */
export const LOADED_CORE = '0';
export const OTHER_CORE = '1';

/** Fails early with a clear message when `taskset` is missing or the machine has fewer than two cores. */
export function checkPinning(): void {
  try {
    execFileSync('taskset', ['-p', String(process.pid)], { stdio: 'ignore' });
  } catch {
    throw new Error('--pin needs taskset (util-linux)');
  }
  const cpus = readFileSync('/sys/devices/system/cpu/online', 'utf8').trim();
  if (!/^0-([1-9]\d*)$/.test(cpus) && !/^0,1/.test(cpus)) throw new Error(`--pin needs cores 0 and 1 online (online: ${cpus})`);
}

/** A process and all its descendants (worker threads are tasks of the process; child processes are walked). */
export function processTree(pid: number): number[] {
  const out = [pid];
  for (let i = 0; i < out.length; i++) {
    const p = out[i]!;
    let tasks: string[] = [];
    try {
      tasks = readdirSync(`/proc/${p}/task`);
    } catch {
      continue; // gone meanwhile
    }
    for (const t of tasks) {
      try {
        for (const c of readFileSync(`/proc/${p}/task/${t}/children`, 'utf8').trim().split(/\s+/)) if (c) out.push(Number(c));
      } catch {
        // gone meanwhile
      }
    }
  }
  return out;
}

/**
 * Sets the affinity of every thread of `pid` and, with `descendants`, of its child processes (a node's feed
 * process) to `cpus` (a taskset list, e.g. "0"). Not for the bench's own process: the servers are its children.
 */
export function pin(pid: number, cpus: string, descendants = true): void {
  for (const p of descendants ? processTree(pid) : [pid]) {
    try {
      execFileSync('taskset', ['-a', '-p', '-c', cpus, String(p)], { stdio: 'ignore' });
    } catch {
      // exited meanwhile
    }
  }
}

/** The cores a process's main thread may run on, as taskset prints them ("0", "1", "0,1"). */
export function affinity(pid: number): string {
  const out = execFileSync('taskset', ['-c', '-p', String(pid)], { encoding: 'utf8' });
  return out.trim().split(': ').at(-1) ?? '';
}
