import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import pg from 'pg';
import { parseArgs } from '../lib/args.js';

/**
 * The intake benchmark's database peer: how a storefront platform reserves stock in SQL. `POST /orders`
 * takes Fulcrum's order JSON and, in one transaction, inserts the order and reserves each line with a
 * conditional `UPDATE ... WHERE on_hand - reserved >= qty`; a line that cannot be reserved rolls it all
 * back and answers 409. Commits are durable (`synchronous_commit = on`): 201 means the WAL is on disk.
 * Usage: node dist/bench/intake/postgres-intake.js --database postgres://... [--pool 32]
 */
const args = parseArgs(process.argv.slice(2));
if (typeof args.database !== 'string') throw new Error('--database: a postgres:// URL is required');
const POOL = Number(args.pool ?? 32);
if (!Number.isInteger(POOL) || POOL < 1) throw new Error(`--pool: a positive whole number of connections, not ${String(args.pool)}`);

interface Line {
  sku: string;
  qty: number;
}

// Idle connections stay open (pg closes them after 10 s by default): the peer stays warm between its runs, as Fulcrum does.
const pool = new pg.Pool({ connectionString: args.database, max: POOL, idleTimeoutMillis: 0 });
const app = new Hono();

app.post('/orders', async (c) => {
  const order = validOrder(await c.req.json().catch(() => undefined));
  if (typeof order === 'string') return c.json({ error: { type: 'invalid_request', message: order } }, 400);
  // Rows are locked in SKU order so that two multi-line orders cannot deadlock each other.
  const lines = [...order.lines].sort((a, b) => (a.sku < b.sku ? -1 : a.sku > b.sku ? 1 : 0));
  const client = await pool.connect();
  let open = false;
  try {
    await client.query('BEGIN');
    open = true;
    // The insert goes first: a row lock on a hot SKU is then held for one round trip and the commit, not two.
    const inserted = await client.query<{ id: string }>({
      name: 'insert-order',
      text: 'INSERT INTO orders (customer_id, body) VALUES ($1, $2) RETURNING id',
      values: [order.customerId, order.body],
    });
    for (const line of lines) {
      const reserved = await client.query({
        name: 'reserve-line',
        text: 'UPDATE stock SET reserved = reserved + $2 WHERE sku = $1 AND on_hand - reserved >= $2',
        values: [line.sku, line.qty],
      });
      if (reserved.rowCount !== 1) {
        await client.query('ROLLBACK');
        open = false;
        return c.json({ error: { type: 'insufficient_stock', message: `line ${line.sku}: fewer than ${line.qty} available` } }, 409);
      }
    }
    await client.query('COMMIT');
    open = false;
    return c.json({ id: inserted.rows[0]!.id, lines: order.lines }, 201);
  } finally {
    if (open) await client.query('ROLLBACK').catch(() => undefined);
    client.release();
  }
});

/** The order's customer and lines, or a message naming the field that is wrong. */
function validOrder(body: unknown): { customerId: string; lines: Line[]; body: unknown } | string {
  if (typeof body !== 'object' || body === null) return 'the body must be a JSON object';
  const { customer, lines } = body as { customer?: { id?: unknown }; lines?: unknown };
  if (typeof customer?.id !== 'string' || customer.id === '') return 'customer.id: a non-empty string is required';
  if (!Array.isArray(lines) || lines.length === 0 || lines.length > 100) return 'lines: an array of 1 to 100 lines is required';
  for (const [i, line] of lines.entries()) {
    if (typeof line?.sku !== 'string' || line.sku === '') return `lines[${i}].sku: a non-empty string is required`;
    if (!Number.isInteger(line.qty) || line.qty < 1) return `lines[${i}].qty: a whole number of at least 1 is required`;
  }
  return { customerId: customer.id, lines: lines as Line[], body };
}

const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => {
  console.log(`listening on http://127.0.0.1:${info.port}`);
});
process.on('SIGTERM', () => server.close(() => void pool.end().then(() => process.exit(0))));
