import { execSync, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpuMicros } from './report.js';

/**
 * Process plumbing for the benchmarks: servers and clients in processes of their own. Node cannot raise its own descriptor limit (there is no
 * `process.setrlimit`), so each process starts through `sh -c 'ulimit -n <hard>; exec node ...'`: the soft
 * limit goes up to the hard one, which an unprivileged process may do, and `exec` keeps pid and IPC channel.
 */
export interface BenchProcess {
  child: ChildProcess;
  /** The URL it printed (`listening on ...`), for servers. */
  url: string;
  exited: Promise<void>;
}

/** The hard limit on open descriptors (what every process here can raise its soft limit to). */
export function hardFdLimit(): number {
  const out = execSync('ulimit -Hn', { shell: '/bin/sh' }).toString().trim();
  return out === 'unlimited' ? Number.POSITIVE_INFINITY : Number(out);
}

/**
 * Starts `node [nodeArgs] entry args` with the raised descriptor limit, a niceness and an IPC channel; waits
 * for `listening on` unless told not to.
 */
export async function startProcess(
  entry: string,
  args: string[],
  options: { env?: Record<string, string>; waitForUrl?: boolean; nice?: number; nodeArgs?: string[] } = {},
): Promise<BenchProcess> {
  const { env = {}, waitForUrl = true, nice = 0, nodeArgs = [] } = options;
  const child = spawn('/bin/sh', ['-c', `ulimit -n "$(ulimit -Hn)" 2>/dev/null; exec nice -n ${nice} "$0" "$@"`, process.execPath, ...nodeArgs, entry, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  if (!waitForUrl) {
    child.stdout!.resume();
    return { child, url: '', exited };
  }
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.once('exit', (code) => reject(new Error(`${entry} exited with ${code}: ${out}`)));
  });
  return { child, url, exited };
}

/** Sends a message and waits for the first reply of type `t`. */
export function request<R extends { t: string }>(child: ChildProcess, message: object, t: R['t']): Promise<R> {
  return new Promise((resolve) => {
    const on = (m: R) => {
      if (m.t !== t) return;
      child.off('message', on);
      resolve(m);
    };
    child.on('message', on);
    child.send(message);
  });
}

/** SIGTERM, then wait for the exit. */
export async function stop(p: BenchProcess): Promise<void> {
  if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGTERM');
  await p.exited;
}

/** CPU microseconds of a process and its direct children (feed processes). */
export function treeCpuMicros(pid: number): number {
  let total = cpuMicros(pid);
  let children: string[] = [];
  try {
    children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
  } catch {
    /* no /proc children list on this kernel: the main process alone */
  }
  for (const c of children) total += cpuMicros(Number(c));
  return total;
}
