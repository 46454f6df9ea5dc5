import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from '../lib/args.js';
import { startProcess, stop } from '../lib/processes.js';
import { fixed, writeResult } from '../lib/report.js';

/**
 * A bulk upload (`POST /inventory/batch`, chunked NDJSON of `--mb` megabytes) against a server without HTTP
 * fronts and one with `--http-fronts 1` (experimental), alternated for `--rounds`: time to the job's end, and
 * the peak RSS of the main process and of the front, sampled every 20 ms. With fronts a bulk body streams
 * to the main process within a window, so neither peak should grow with the upload.
 * Usage: node dist/bench/intake/fronts-upload.js [--mb 100] [--rounds 2] [--smoke]
 */
const args = parseArgs(process.argv.slice(2));
const SMOKE = args.smoke === true;
const MB = SMOKE ? 2 : Number(args.mb ?? 100);
const ROUNDS = SMOKE ? 1 : Number(args.rounds ?? 2);
const KEY = 'bench-admin-key-000001';
const MAIN = fileURLToPath(new URL('../../src/main.js', import.meta.url));

interface Upload {
  fronts: number;
  seconds: number;
  rows: number;
  status: string;
  mainPeakMiB: number;
  frontPeakMiB: number;
}

function rssMiB(pid: number | undefined): number {
  if (pid === undefined) return 0;
  try {
    return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;
  } catch {
    return 0;
  }
}

/** The first child process of `pid` running the front's entry, if any. */
function frontOf(pid: number): number | undefined {
  for (const task of readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number)) {
    if (readFileSync(`/proc/${task}/cmdline`, 'utf8').includes('front-process')) return task;
  }
  return undefined;
}

async function upload(fronts: number): Promise<Upload> {
  const dataDir = mkdtempSync(join(tmpdir(), 'fulcrum-fronts-upload-'));
  const server = await startProcess(MAIN, ['--demo', '--data-dir', dataDir, '--port', '0', '--feed-processes', '0', '--http-fronts', String(fronts)], { env: { FULCRUM_API_KEYS: `${KEY}:admin` } });
  try {
    const pid = server.child.pid!;
    const front = fronts > 0 ? frontOf(pid) : undefined;
    let mainPeak = 0;
    let frontPeak = 0;
    const sampler = setInterval(() => {
      mainPeak = Math.max(mainPeak, rssMiB(pid));
      frontPeak = Math.max(frontPeak, rssMiB(front));
    }, 20);
    const started = performance.now();
    const jobId = await new Promise<string>((resolve, reject) => {
      const req = request(`${server.url}/inventory/batch`, { method: 'POST', headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/x-ndjson', 'transfer-encoding': 'chunked' } }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => (res.statusCode === 202 ? resolve((JSON.parse(body) as { job: { id: string } }).job.id) : reject(new Error(`upload answered ${res.statusCode}: ${body}`))));
      });
      req.on('error', reject);
      let n = 0;
      let sent = 0;
      const total = MB * 1024 * 1024;
      const pump = (): void => {
        while (sent < total) {
          let piece = '';
          for (let k = 0; k < 1000; k++) piece += `{"location":"DC-FRA","sku":"SKU-0001","onHand":${(n++ % 1000) + 1}}\n`;
          sent += piece.length;
          if (!req.write(piece)) return void req.once('drain', pump);
        }
        req.end();
      };
      pump();
    });
    let job: { status: string; rowsRead: number };
    for (;;) {
      job = (await (await fetch(`${server.url}/jobs/${jobId}`, { headers: { authorization: `Bearer ${KEY}` } })).json()) as typeof job;
      if (job.status !== 'running') break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    clearInterval(sampler);
    return { fronts, seconds: (performance.now() - started) / 1000, rows: job.rowsRead, status: job.status, mainPeakMiB: mainPeak, frontPeakMiB: frontPeak };
  } finally {
    await stop(server);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const runs: Upload[] = [];
  for (let r = 0; r < ROUNDS; r++) for (const fronts of r % 2 === 0 ? [1, 0] : [0, 1]) runs.push(await upload(fronts));
  const mean = (fronts: number, f: (u: Upload) => number) => {
    const xs = runs.filter((u) => u.fronts === fronts).map(f);
    return xs.reduce((a, b) => a + b, 0) / xs.length;
  };
  const text = [
    `A ${MB} MB chunked NDJSON upload to \`POST /inventory/batch\` (one position, rows applied in order) on a demo server without HTTP fronts and one with \`--http-fronts 1\`, alternated over ${ROUNDS} round(s); the time is from the first byte sent to the job's end; peak RSS sampled every 20 ms.`,
    '',
    '| fronts | seconds | rows | job | main process peak RSS MiB | front peak RSS MiB |',
    '|---|---|---|---|---|---|',
    ...runs.map((u) => `| ${u.fronts} | ${fixed(u.seconds, 1)} | ${u.rows} | ${u.status} | ${fixed(u.mainPeakMiB, 0)} | ${u.fronts ? fixed(u.frontPeakMiB, 0) : '-'} |`),
    '',
    `Means: without fronts ${fixed(mean(0, (u) => u.seconds), 1)} s, main ${fixed(mean(0, (u) => u.mainPeakMiB), 0)} MiB; with one front ${fixed(mean(1, (u) => u.seconds), 1)} s (${fixed(mean(0, (u) => u.seconds) / mean(1, (u) => u.seconds), 2)}x the rate), main ${fixed(mean(1, (u) => u.mainPeakMiB), 0)} MiB, front ${fixed(mean(1, (u) => u.frontPeakMiB), 0)} MiB.`,
  ].join('\n');
  console.log(text);
  const failed = runs.filter((u) => u.status !== 'done');
  writeResult('intake-fronts-upload', `node dist/bench/intake/fronts-upload.js ${process.argv.slice(2).join(' ')}`.trim(), text, SMOKE);
  if (failed.length > 0) {
    console.error('some uploads did not finish:', JSON.stringify(failed));
    process.exitCode = 1;
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
