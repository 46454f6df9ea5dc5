import { createReadStream, existsSync, openSync, readFileSync, readSync, closeSync, statSync } from 'node:fs';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { parseArgs } from 'node:util';
import type { JobView } from '../bulk/index.js';
import { progressLine, summary, type ImportCounts } from './progress.js';

const USAGE = `Usage: npm run import -- FILE [--inbound] [--url http://localhost:8080] [--key KEY] [--format ndjson|json|csv]

Streams FILE (NDJSON, one row per line, or a JSON array; with --inbound also CSV) to POST /inventory/batch
(or POST /inbound/batch) and follows the load to the end. A stock row is {location, sku, onHand | delta,
status?, asOf?, reason?, receivedAt?}; an inbound row (--inbound) is one PO line, {inbound, location, sku, qty, expectedAt,
kind, reference?}, and the rows of one inbound give all its lines.

  --inbound  load inbound supply lines instead of stock
  --url      the server (default: FULCRUM_URL, else http://localhost:8080)
  --key      an API key with inventory:write (default: FULCRUM_API_KEY, else ./data/admin.key)
  --format   ndjson, json or csv (default: csv for a .csv file, json for a .json file or one starting with [,
             else ndjson)

Exit status: 0 when every row was applied or ignored, 2 when some rows were rejected (they are listed),
1 when the load could not be done.`;

const POLL_MS = 250;

/** A failure the operator can act on; its message is printed as it is. */
class ImportError extends Error {}

type Format = 'ndjson' | 'json' | 'csv';

/** Each format's Content-Type. */
const CONTENT_TYPES: Record<Format, string> = { ndjson: 'application/x-ndjson', json: 'application/json', csv: 'text/csv' };

interface Options {
  file: string;
  url: URL;
  key: string;
  format: Format;
  /** The route loading it: stock rows or inbound lines. */
  path: '/inventory/batch' | '/inbound/batch';
}

async function main(): Promise<number> {
  const options = readOptions(process.argv.slice(2));
  if (!options) {
    console.log(USAGE);
    return 0;
  }
  const started = performance.now();
  const res = await upload(options);
  if (res.statusCode === 200) {
    const counts = JSON.parse(await text(res)) as ImportCounts;
    console.log(summary(counts, performance.now() - started));
    return counts.rejected > 0 ? 2 : 0;
  }
  if (res.statusCode !== 202) throw new ImportError(await refusal(res));
  res.resume();
  const job = await follow(options, res.headers.location ?? '');
  if (job.status !== 'done') {
    throw new ImportError(`the load ${job.status}: ${job.error?.message ?? 'no reason given'}\n${summary(job, job.elapsedMs)}`);
  }
  console.log(summary(job, job.elapsedMs));
  return job.rejected > 0 ? 2 : 0;
}

function readOptions(argv: string[]): Options | undefined {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options: { url: { type: 'string' }, key: { type: 'string' }, format: { type: 'string' }, inbound: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } });
  } catch (e) {
    throw new ImportError(`${(e as Error).message}\n\n${USAGE}`);
  }
  const { values, positionals } = parsed;
  if (values.help) return undefined;
  if (positionals.length !== 1) throw new ImportError(`give exactly one file to import\n\n${USAGE}`);
  const file = positionals[0]!;
  if (!existsSync(file) || !statSync(file).isFile()) throw new ImportError(`no file '${file}'`);
  let url: URL;
  try {
    url = new URL(values.url ?? process.env.FULCRUM_URL ?? 'http://localhost:8080');
  } catch {
    throw new ImportError(`--url must be a URL such as http://localhost:8080, got '${values.url}'`);
  }
  const format = values.format ?? guessFormat(file);
  if (format !== 'ndjson' && format !== 'json' && format !== 'csv') throw new ImportError(`--format must be ndjson, json or csv, got '${format}'`);
  if (format === 'csv' && !values.inbound) throw new ImportError('stock loads take NDJSON or JSON; CSV loads inbound lines (--inbound)');
  return { file, url, key: apiKey(values.key), format, path: values.inbound ? '/inbound/batch' : '/inventory/batch' };
}

function apiKey(flag: string | undefined): string {
  const key = flag ?? process.env.FULCRUM_API_KEY ?? (existsSync('data/admin.key') ? readFileSync('data/admin.key', 'utf8').trim() : undefined);
  if (!key) throw new ImportError('no API key: pass --key, set FULCRUM_API_KEY, or run where the server keeps data/admin.key');
  return key;
}

/** CSV for a `.csv` file; JSON for a `.json` file or one whose first non-blank character is `[`; NDJSON otherwise. */
function guessFormat(file: string): Format {
  if (file.endsWith('.csv')) return 'csv';
  if (file.endsWith('.json')) return 'json';
  const head = Buffer.alloc(256);
  const fd = openSync(file, 'r');
  const n = readSync(fd, head, 0, head.length, 0);
  closeSync(fd);
  return head.subarray(0, n).toString('utf8').trimStart().startsWith('[') ? 'json' : 'ndjson';
}

/** Streams the file with its length; resolves at the response's headers (a job answers before the upload ends). */
function upload(o: Options): Promise<IncomingMessage> {
  const request = o.url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request(new URL(o.path, o.url), {
      method: 'POST',
      headers: {
        authorization: `Bearer ${o.key}`,
        'content-type': CONTENT_TYPES[o.format],
        'content-length': statSync(o.file).size,
      },
    });
    req.on('response', resolve);
    req.on('error', (e) => reject(new ImportError(`cannot reach Fulcrum at ${o.url.origin} (${(e as Error).message}); is the server running? (--url)`)));
    createReadStream(o.file).on('error', (e) => req.destroy(e)).pipe(req);
  });
}

/** Polls the job, drawing its progress on stderr, until it ends. */
async function follow(o: Options, location: string): Promise<JobView> {
  const tty = process.stderr.isTTY === true;
  let lastLine = 0;
  for (;;) {
    const res = await get(o, location);
    if (res.statusCode !== 200) throw new ImportError(await refusal(res));
    const job = JSON.parse(await text(res)) as JobView;
    if (tty) process.stderr.write(`\r\x1b[2K${progressLine(job)}`);
    else if (job.status !== 'running' || performance.now() - lastLine > 2000) {
      process.stderr.write(`${progressLine(job)}\n`);
      lastLine = performance.now();
    }
    if (job.status !== 'running') {
      if (tty) process.stderr.write('\n');
      return job;
    }
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

function get(o: Options, path: string): Promise<IncomingMessage> {
  const request = o.url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    request(new URL(path, o.url), { headers: { authorization: `Bearer ${o.key}` } }, resolve)
      .on('error', (e) => reject(new ImportError(`lost the server at ${o.url.origin} while following the load (${e.message}); the load may go on: GET ${path}`)))
      .end();
  });
}

/** The server's error envelope as one readable message. */
async function refusal(res: IncomingMessage): Promise<string> {
  const body = await text(res);
  try {
    const { error } = JSON.parse(body) as { error: { type: string; message: string; details: Array<{ path?: string; message: string }> } };
    const details = error.details.map((d) => `\n  ${d.path ? `${d.path}: ` : ''}${d.message}`).join('');
    return `the server refused the load (${res.statusCode} ${error.type}): ${error.message}${details}`;
  } catch {
    return `the server answered ${res.statusCode}: ${body.slice(0, 500)}`;
  }
}

async function text(res: IncomingMessage): Promise<string> {
  let out = '';
  res.setEncoding('utf8');
  for await (const chunk of res) out += chunk;
  return out;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(`import: ${e instanceof ImportError ? e.message : (e as Error).stack}`);
    process.exit(1);
  },
);
