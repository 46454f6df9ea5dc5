import { readdirSync, readFileSync } from 'node:fs';

/** Live child processes of this process running `script` (Linux: read from /proc). */
export function children(script: string): number[] {
  const out: number[] = [];
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === process.pid && readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(script)) out.push(Number(pid));
    } catch {
      /* gone meanwhile */
    }
  }
  return out;
}
