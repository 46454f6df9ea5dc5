/** `--name value` and bare `--flag` (true) from a bench's command line; anything else is ignored. */
export function parseArgs(argv: string[]): Record<string, string | true> {
  const out: Record<string, string | true> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (!a.startsWith('--')) continue;
    const next = argv[i + 1];
    if (next !== undefined && !next.startsWith('--')) out[a.slice(2)] = argv[++i]!;
    else out[a.slice(2)] = true;
  }
  return out;
}

/** A flag's value as a number > 0 (`fallback` when absent); throws naming the flag, with the usage, otherwise. */
export function positiveFlag(flag: string, raw: string | undefined, fallback: number, usage: string): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!(n > 0) || !Number.isFinite(n)) throw new Error(`--${flag} must be a number > 0, got '${raw}'\n${usage}`);
  return n;
}
