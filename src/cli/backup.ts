import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { checkTarget, takeBackup, type BackupManifest, type BackupView } from '../backups/index.js';
import { DomainError } from '../domain/errors.js';
import { openStoreForCopy } from '../../snapshots/index.js';

const USAGE = `Usage: npm run backup -- --to DIR [--url http://localhost:8080] [--key KEY]
       npm run backup -- --to DIR --data-dir DATA_DIR

Takes a consistent, compacted copy of Fulcrum's store into DIR (a new directory, or an empty one) with a
manifest.json: the journal sequence it covers, when it was taken, the version, each file's SHA-256.

Online (the default): asks a running server (POST /ops/backups) and follows the job. DIR is on the server's
disk; a relative DIR is made absolute here, which is right when the server runs on this machine.
  --url       the server (default: FULCRUM_URL, else http://localhost:8080)
  --key       an admin API key (default: FULCRUM_API_KEY, else ./data/admin.key)

Offline: --data-dir copies a stopped server's data dir directly, no server needed.

Restore with: npm run restore -- --from DIR --data NEW_DATA_DIR`;

const POLL_MS = 250;

/** A failure the operator can act on; its message is printed as it is. */
class BackupCliError extends Error {}

async function main(): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: process.argv.slice(2), options: { to: { type: 'string' }, url: { type: 'string' }, key: { type: 'string' }, 'data-dir': { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
  } catch (e) {
    throw new BackupCliError(`${(e as Error).message}\n\n${USAGE}`);
  }
  const { values } = parsed;
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (!values.to) throw new BackupCliError(`--to DIR is required\n\n${USAGE}`);
  const to = resolve(values.to);
  const manifest = values['data-dir'] !== undefined ? await offline(resolve(values['data-dir']), to) : await online(values.url, values.key, to);
  console.log(`backup done: ${to}\n  journal sequence ${manifest.journalSeq}, ${mib(manifest.bytes)} in ${(manifest.durationMs / 1000).toFixed(1)} s (${manifest.mode})`);
  return 0;
}

/** Copies a stopped data dir's store directly. */
async function offline(dataDir: string, to: string): Promise<BackupManifest> {
  const target = checkTarget(to, dataDir);
  let source;
  try {
    source = openStoreForCopy(dataDir);
  } catch (e) {
    throw new BackupCliError((e as Error).message);
  }
  try {
    return await takeBackup({ source, dataDir, to: target, mode: 'offline', offThread: false, now: Date.now });
  } finally {
    await source.close();
  }
}

/** What the command prints at the end. */
type Outcome = Pick<BackupManifest, 'journalSeq' | 'bytes' | 'durationMs' | 'mode'>;

/** Starts a backup on a running server and follows it to its end (the server's view says what the manifest does: the server may be on another machine). */
async function online(urlFlag: string | undefined, keyFlag: string | undefined, to: string): Promise<Outcome> {
  let url: URL;
  try {
    url = new URL(urlFlag ?? process.env.FULCRUM_URL ?? 'http://localhost:8080');
  } catch {
    throw new BackupCliError(`--url must be a URL such as http://localhost:8080, got '${urlFlag}'`);
  }
  const key = keyFlag ?? process.env.FULCRUM_API_KEY ?? (existsSync('data/admin.key') ? readFileSync('data/admin.key', 'utf8').trim() : undefined);
  if (!key) throw new BackupCliError('no API key: pass --key, set FULCRUM_API_KEY, or run where the server keeps data/admin.key');
  const call = async (method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> => {
    let res: Response;
    try {
      res = await fetch(new URL(path, url), { method, headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, ...(body ? { body: JSON.stringify(body) } : {}) });
    } catch (e) {
      throw new BackupCliError(`cannot reach Fulcrum at ${url.origin} (${(e as Error).message}); is the server running? (--url, or --data-dir for a stopped one)`);
    }
    return { status: res.status, body: await res.json().catch(() => ({})) };
  };
  const started = await call('POST', '/ops/backups', { to });
  if (started.status !== 202) throw new BackupCliError(refusal(started));
  let job = started.body as BackupView;
  while (job.status === 'running') {
    const share = job.bytesEstimated > 0 ? Math.min(1, job.bytesCopied / job.bytesEstimated) : 0;
    if (process.stderr.isTTY) process.stderr.write(`\r\x1b[2K${job.phase} ${mib(job.bytesCopied)} of at most ${mib(job.bytesEstimated)} (${Math.floor(share * 100)}%)`);
    await new Promise((r) => setTimeout(r, POLL_MS));
    const polled = await call('GET', `/ops/backups/${job.id}`);
    if (polled.status !== 200) throw new BackupCliError(refusal(polled));
    job = polled.body as BackupView;
  }
  if (process.stderr.isTTY) process.stderr.write('\n');
  if (job.status !== 'done') throw new BackupCliError(`the backup failed: ${job.error?.message ?? 'no reason given'}`);
  return { journalSeq: job.journalSeq!, bytes: job.bytes!, durationMs: job.durationMs!, mode: 'online' };
}

function refusal(r: { status: number; body: any }): string {
  const e = r.body?.error;
  return e ? `the server refused the backup (${r.status} ${e.type}): ${e.message}` : `the server answered ${r.status}`;
}

function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(`backup: ${e instanceof BackupCliError || e instanceof DomainError ? e.message : (e as Error).stack}`);
    process.exit(1);
  },
);
