import type { IncomingMessage } from 'node:http';
import type { HttpBindings } from '@hono/node-server';
import { Hono } from 'hono';
import { z } from 'zod';
import type { BatchFormat, BulkJob, BulkJobs, BulkLoader } from '../../bulk/index.js';
import { DomainError } from '../../domain/errors.js';
import { allow } from '../auth.js';
import type { AppDeps, AppEnv } from '../env.js';
import { described } from '../openapi/describe.js';
import { Job, LoadReport } from '../replies.js';

const FORMATS: Record<string, BatchFormat> = {
  'application/json': 'json',
  'application/x-ndjson': 'ndjson',
  'application/ndjson': 'ndjson',
  'application/jsonl': 'ndjson',
  'application/x-jsonlines': 'ndjson',
  'text/csv': 'csv',
  'application/csv': 'csv',
};

/** Each format's Content-Type as a refusal names it. */
const NAMED: Record<BatchFormat, string> = {
  ndjson: 'application/x-ndjson (one row per line)',
  json: 'application/json (an array of rows)',
  csv: 'text/csv (a header line naming the columns, then one row per line)',
};

/**
 * A bulk load's `POST` (`/inventory/batch`, `/inbound/batch`): a body of `loader`'s rows in one of its
 * formats. The body is read from the socket as it arrives (these routes are exempt from the global body
 * limit). A body that fits in the normal limit is answered at once, `200` with the counts and every
 * rejected row; a larger one becomes a job: `202` goes out at once with `Location: /jobs/<id>`, the body
 * `{job}` follows when the upload has been read.
 */
export function batchRoutes({ fulcrum, bulk, maxBodyBytes }: AppDeps, loader: BulkLoader): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.post('/', described({ summary: `Bulk load ${loader.kind === 'inventory.batch' ? 'stock rows' : 'inbound lines'}`, description: 'A JSON array, NDJSON (one row per line) or CSV. A body within the normal limit is answered at once with the counts and each rejected row; a larger one runs as a job: `202` with `Location: /jobs/<id>`.', body: z.array(z.record(z.string(), z.unknown())), bodyMedia: ['application/x-ndjson', 'text/csv'], replies: { 200: { description: 'The counts and the rejected rows', schema: LoadReport }, 202: { description: 'Running as a job', schema: z.looseObject({ job: Job }) } } }, allow('inventory:write')), async (c) => {
    const receivedAt = fulcrum.engine.clock.now();
    const format = formatOf(c.req.header('content-type'), loader.formats);
    const declared = lengthOf(c.req.header('content-length'));
    if (declared !== undefined && declared > bulk.maxBatchBytes) {
      throw new DomainError('payload_too_large', `bulk loads are limited to ${bulk.maxBatchBytes} bytes; split the file`);
    }
    const by = c.get('principal').keyId;
    const incoming = (c.env as HttpBindings).incoming;
    const head = await readHead(incoming, maxBodyBytes);
    if (head.ended) return c.json(await bulk.loadSmall(loader, head.pieces, format, by), 200);
    const body = rest(head.pieces, head.iterator);
    const { job, uploaded } = bulk.start(loader, { format, body, receivedAt, by, ...(declared !== undefined ? { bytesTotal: declared } : {}) });
    job.stop.signal.addEventListener('abort', () => incoming.destroy(), { once: true });
    return accepted(bulk, job, uploaded);
  });
  return app;
}

function formatOf(contentType: string | undefined, formats: readonly BatchFormat[]): BatchFormat {
  const type = contentType?.split(';')[0]!.trim().toLowerCase() ?? '';
  const format = FORMATS[type];
  if (format && formats.includes(format)) return format;
  const named = formats.map((f) => NAMED[f]);
  const types = formats.map((f) => NAMED[f].split(' ')[0]!);
  throw new DomainError('unsupported_media_type', `send Content-Type ${orList(named)}, not '${type || 'none'}'`, [
    { path: 'content-type', message: `must be ${orList(types)}` },
  ]);
}

/** `a`, `a or b`, `a, b or c`. */
function orList(items: string[]): string {
  return items.length < 2 ? items.join('') : `${items.slice(0, -1).join(', ')} or ${items.at(-1)}`;
}

function lengthOf(header: string | undefined): number | undefined {
  return header !== undefined && /^\d+$/.test(header) ? Number(header) : undefined;
}

/** Reads the body until it ends or passes `max` bytes; the rest stays on the socket. */
async function readHead(incoming: IncomingMessage, max: number) {
  const iterator: AsyncIterator<Buffer> = incoming[Symbol.asyncIterator]();
  const pieces: Buffer[] = [];
  let size = 0;
  while (size <= max) {
    const next = await iterator.next().catch(() => {
      throw new DomainError('invalid_request', 'the upload stopped before its end');
    });
    if (next.done) return { pieces, ended: true, iterator };
    pieces.push(next.value);
    size += next.value.length;
  }
  return { pieces, ended: false, iterator };
}

/** The pieces already read, then the rest of the socket; stopping early destroys the request stream. */
async function* rest(pieces: Buffer[], iterator: AsyncIterator<Buffer>): AsyncIterable<Uint8Array> {
  try {
    yield* pieces.splice(0);
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield next.value;
  } finally {
    await iterator.return?.();
  }
}

/** `202` with the job's location now; the `{job}` body once the upload has been read, so the socket is free. */
function accepted(bulk: BulkJobs, job: BulkJob, uploaded: Promise<void>): Response {
  let gone = false;
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      void uploaded.then(() => {
        // A client that hung up has cancelled the stream; writing to it then would throw.
        if (gone) return;
        controller.enqueue(new TextEncoder().encode(JSON.stringify({ job: bulk.view(job.id) })));
        controller.close();
      });
    },
    cancel() {
      gone = true;
    },
  });
  return new Response(body, { status: 202, headers: { 'content-type': 'application/json', location: `/jobs/${job.id}` } });
}
