import { execSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (benches run from dist/bench/...). */
export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** The machine a figure was measured on: date, cores, CPU, memory, Node version. */
export function machine(): string {
  let nproc = String(availableParallelism());
  try {
    nproc = execSync('nproc').toString().trim();
  } catch {
    /* nproc missing: keep Node's count */
  }
  return [
    `- Date: ${new Date().toISOString()}`,
    `- Machine: \`nproc\` = ${nproc}, ${cpus()[0]?.model ?? 'unknown CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB`,
    `- Node: ${process.version}`,
  ].join('\n');
}

/** The line between a results file's newest run and what was there before it (earlier runs, analyses by hand). */
export const EARLIER = '## Earlier runs and notes';

/**
 * Writes `bench/results/<name>.md` with the machine and the command, unless `dryRun`. The new run goes at the
 * top and whatever the file held (earlier runs, sections written by hand) is kept below it, under
 * EARLIER, newest first, the run that was on top given a heading of its date and command: a run never
 * erases a figure quoted elsewhere, and the file reads as a log. `replace` overwrites instead, for files
 * composed from others (`reliability.md`). Returns the new run's text as printed.
 */
export function writeResult(name: string, command: string, body: string, dryRun = false, replace = false): string {
  const text = `# ${name}\n\n${machine()}\n- Command: \`${command}\`\n\n${body.trim()}\n`;
  if (!dryRun) {
    const file = join(ROOT, 'bench', 'results', `${name}.md`);
    mkdirSync(dirname(file), { recursive: true });
    const before = replace || !existsSync(file) ? undefined : readFileSync(file, 'utf8');
    writeFileSync(file, withEarlier(text, before));
  }
  return text;
}

/** A new run's text followed by the file's text before it (`before`), as `writeResult` keeps it. */
export function withEarlier(run: string, before: string | undefined): string {
  const old = (before ?? '').replace(/^# .*\n/, '').trim();
  if (old === '') return run;
  // The file's newest run had no heading of its own: it gets one from its date and command.
  const [latest, earlier] = splitEarlier(old);
  const date = /^- Date: (\S+)/m.exec(latest)?.[1];
  const command = /^- Command: (`[^\n]*`)/m.exec(latest)?.[1];
  const heading = date !== undefined && latest.startsWith('- Date:') ? `## Run of ${date}${command ? `: ${command}` : ''}\n\n` : '';
  return `${run}\n${EARLIER}\n\n${heading}${latest}${earlier ? `\n\n${earlier}` : ''}\n`;
}

/** The newest run of a results file's text (without its title) and what came before it, if anything. */
export function splitEarlier(text: string): [latest: string, earlier: string] {
  const at = text.indexOf(`\n${EARLIER}\n`);
  if (at === -1) return [text.trim(), ''];
  return [text.slice(0, at).trim(), text.slice(at + EARLIER.length + 2).trim()];
}

/** CPU time (user + system) of a process in microseconds, from /proc (USER_HZ = 100 on Linux). */
export function cpuMicros(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1e6) / 100;
}

/**
 * CPU time (µs) of a process and its live descendants (a server's feed and HTTP front processes), from the
 * children lists of each of its threads in /proc. A child that exited before the read is not counted.
 */
export function treeCpuMicros(pid: number): number {
  let total = 0;
  const seen = new Set<number>();
  const visit = (p: number) => {
    if (seen.has(p)) return;
    seen.add(p);
    try {
      total += cpuMicros(p);
      for (const task of readdirSync(`/proc/${p}/task`)) {
        for (const child of readFileSync(`/proc/${p}/task/${task}/children`, 'utf8').split(' ')) if (child.trim()) visit(Number(child));
      }
    } catch {
      /* gone meanwhile */
    }
  };
  visit(pid);
  return total;
}

/**
 * CPU time (µs) of a process's main thread alone (its thread id is its pid): the engine's thread, which bounds
 * a load, measured apart from its helper threads and from other work on the machine.
 */
export function mainThreadCpuMicros(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/task/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1e6) / 100;
}

/**
 * CPU time (µs) of each of a process's threads, by `<name>/<tid>` (`/proc/<pid>/task/<tid>/comm`; Node names
 * its helper threads `node` too: V8's GC helpers, the libuv pool where lmdb-js commits, workers). The main
 * thread is `main`. A thread that ended before the read is not counted.
 */
export function threadCpuMicros(pid: number): Map<string, number> {
  const out = new Map<string, number>();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      const name = tid === String(pid) ? 'main' : `${readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim()}/${tid}`;
      const fields = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      out.set(name, ((Number(fields[11]) + Number(fields[12])) * 1e6) / 100);
    } catch {
      /* the thread ended between the listing and the read */
    }
  }
  return out;
}

/** A value with a fixed number of decimals. */
export function fixed(n: number, digits = 1): string {
  return Number.isFinite(n) ? n.toFixed(digits) : 'n/a';
}
