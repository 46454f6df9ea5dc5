import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cpuMicros } from './report.js';

/**
 * CPU slices for the benchmarks: each slice is a cgroup with a CFS quota, so a process tree in it (a Fulcrum
 * node, its feed processes and its worker threads) gets at most `cores` of a core, like a small machine of its
 * own, however many other processes share this one. Membership is inherited on fork, so a process joins
 * before it runs anything: it starts through `launcher()`, a shell that writes its own pid into the group and
 * then execs the command (same pid, so signals and `child.pid` still reach the command). Everything forked
 * later (feed processes) lands in the same group.
 *
 * cgroup v1 (`/sys/fs/cgroup/cpu`, or `cpu,cpuacct`: `cpu.cfs_period_us` / `cpu.cfs_quota_us`) or cgroup v2
 * (`/sys/fs/cgroup` or `/sys/fs/cgroup/unified` with the cpu controller: `cpu.max`). Needs write access
 * there (root, or a delegated hierarchy); `CpuSlices.open()` says why not otherwise.
 *
 * The period is short (10 ms by default): a tree that spends its quota waits for the next period, so the
 * longest stall throttling adds is the period less the quota (7 ms at 0.3 core), not the 70 ms of the
 * kernel's default 100 ms period. A throttled tree's latencies still grow by up to that much per period it
 * is throttled in, which its `stat()` counts.
 */
export interface CpuSliceStat {
  /** CFS periods in which the group ran, and in which it used up its quota. */
  periods: number;
  throttled: number;
  /** Time its run queues spent throttled, µs, summed over CPUs (so up to nproc × the wall time). */
  throttledUs: number;
  /** CPU the group's threads used, µs (v1 without cpuacct: its live members' /proc times). */
  usageUs: number;
}

/** One group: a quota of `cores` cores per `periodUs`. */
export class CpuSlice {
  constructor(
    readonly name: string,
    readonly path: string,
    readonly cores: number,
    readonly periodUs: number,
    private readonly version: 1 | 2,
  ) {}

  /** A command prefix that runs the rest of the command line inside this slice (and fails rather than run outside it). */
  launcher(): string[] {
    return ['/bin/sh', '-c', 'echo $$ > "$0" && exec "$@"', join(this.path, 'cgroup.procs')];
  }

  /** Moves a running process (all its threads) into the slice; its later children follow it, earlier ones do not. */
  add(pid: number): void {
    writeFileSync(join(this.path, 'cgroup.procs'), String(pid));
  }

  /** The processes in the slice now. */
  members(): number[] {
    return readFileSync(join(this.path, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean).map(Number);
  }

  /** The group's throttling and usage counters (cumulative; subtract two readings for an interval). */
  stat(): CpuSliceStat {
    const fields = new Map(readFileSync(join(this.path, 'cpu.stat'), 'utf8').split('\n').filter(Boolean).map((l) => { const [k, v] = l.split(' '); return [k!, Number(v)]; }));
    if (this.version === 2) return { periods: fields.get('nr_periods') ?? 0, throttled: fields.get('nr_throttled') ?? 0, throttledUs: fields.get('throttled_usec') ?? 0, usageUs: fields.get('usage_usec') ?? 0 };
    const acct = join(this.path, 'cpuacct.usage');
    const usageUs = existsSync(acct) ? Number(readFileSync(acct, 'utf8')) / 1000 : this.members().reduce((a, pid) => a + liveCpuMicros(pid), 0);
    return { periods: fields.get('nr_periods') ?? 0, throttled: fields.get('nr_throttled') ?? 0, throttledUs: (fields.get('throttled_time') ?? 0) / 1000, usageUs };
  }
}

/** The slices one bench made, under one writable hierarchy; `removeAll()` (also run on exit and on SIGINT/SIGTERM) deletes them. */
export class CpuSlices {
  private readonly slices: CpuSlice[] = [];
  private readonly onExit = () => this.removeAll();
  private readonly onSignal = (signal: NodeJS.Signals) => {
    this.removeAll();
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };

  private constructor(
    /** The hierarchy's root, where the groups go. */
    readonly root: string,
    readonly version: 1 | 2,
  ) {
    process.once('exit', this.onExit);
    process.once('SIGINT', this.onSignal);
    process.once('SIGTERM', this.onSignal);
  }

  /** A writable cpu hierarchy (v1 first, then v2), or why there is none. */
  static open(): CpuSlices | { unavailable: string } {
    const tried: string[] = [];
    for (const root of ['/sys/fs/cgroup/cpu', '/sys/fs/cgroup/cpu,cpuacct']) {
      if (!existsSync(join(root, 'cpu.cfs_quota_us'))) {
        tried.push(`${root}: no cgroup v1 cpu controller`);
        continue;
      }
      const why = probe(root, 1);
      if (!why) return new CpuSlices(root, 1);
      tried.push(`${root}: ${why}`);
    }
    for (const root of ['/sys/fs/cgroup', '/sys/fs/cgroup/unified']) {
      const controllers = join(root, 'cgroup.controllers');
      if (!existsSync(controllers)) {
        tried.push(`${root}: not a cgroup v2 root`);
        continue;
      }
      if (!readFileSync(controllers, 'utf8').split(/\s+/).includes('cpu')) {
        tried.push(`${root}: cgroup v2 without the cpu controller (bound to a v1 hierarchy?)`);
        continue;
      }
      const why = probe(root, 2);
      if (!why) return new CpuSlices(root, 2);
      tried.push(`${root}: ${why}`);
    }
    return { unavailable: `no writable cgroup cpu hierarchy (CFS quotas need root or a delegated cgroup): ${tried.join('; ')}` };
  }

  /** A new slice of `cores` (> 0) cores, enforced every `periodUs` (1,000 to 1,000,000 µs). */
  create(name: string, cores: number, periodUs = 10_000): CpuSlice {
    if (!(cores > 0) || !Number.isFinite(cores)) throw new Error(`a CPU slice's cores must be a number > 0, got ${cores}`);
    if (!(periodUs >= 1000 && periodUs <= 1_000_000)) throw new Error(`a CPU slice's period must be 1,000 to 1,000,000 µs, got ${periodUs}`);
    // The kernel refuses quotas under 1 ms.
    const quotaUs = Math.max(1000, Math.round(cores * periodUs));
    const path = join(this.root, `fulcrum-bench-${process.pid}-${name}`);
    mkdirSync(path);
    const slice = new CpuSlice(name, path, cores, periodUs, this.version);
    this.slices.push(slice);
    setQuota(path, this.version, quotaUs, periodUs);
    return slice;
  }

  /** Moves what is still in each slice back to the root and deletes the slices; safe to call twice. */
  removeAll(): void {
    for (const slice of this.slices.splice(0)) {
      try {
        for (const pid of slice.members()) evict(this.root, pid);
        rmdirSync(slice.path);
      } catch (e) {
        console.error(`could not remove CPU slice ${slice.path}: ${(e as Error).message}`);
      }
    }
    process.off('exit', this.onExit);
    process.off('SIGINT', this.onSignal);
    process.off('SIGTERM', this.onSignal);
  }
}

/** Creates, limits and removes a probe group under `root`; undefined when that works, else why not. */
function probe(root: string, version: 1 | 2): string | undefined {
  const path = join(root, `fulcrum-bench-${process.pid}-probe`);
  try {
    if (version === 2) enableCpu(root);
    mkdirSync(path);
    setQuota(path, version, 5000, 10_000);
    return undefined;
  } catch (e) {
    return (e as Error).message;
  } finally {
    try {
      rmdirSync(path);
    } catch {
      /* never made */
    }
  }
}

/** v2: the root must hand the cpu controller to its children (the root itself is exempt from "no internal processes"). */
function enableCpu(root: string): void {
  const control = join(root, 'cgroup.subtree_control');
  if (!readFileSync(control, 'utf8').split(/\s+/).includes('cpu')) writeFileSync(control, '+cpu');
}

function setQuota(path: string, version: 1 | 2, quotaUs: number, periodUs: number): void {
  if (version === 2) {
    writeFileSync(join(path, 'cpu.max'), `${quotaUs} ${periodUs}`);
    return;
  }
  // The period first: a quota is checked against the period in force.
  writeFileSync(join(path, 'cpu.cfs_period_us'), String(periodUs));
  writeFileSync(join(path, 'cpu.cfs_quota_us'), String(quotaUs));
}

function evict(root: string, pid: number): void {
  try {
    writeFileSync(join(root, 'cgroup.procs'), String(pid));
  } catch {
    /* exited meanwhile */
  }
}

function liveCpuMicros(pid: number): number {
  try {
    return cpuMicros(pid);
  } catch {
    return 0;
  }
}
