import { serve } from '@hono/node-server';
import { Hono } from 'hono';

/**
 * The baseline for the intake benchmark: a bare Hono app whose POST handler parses the same order body and
 * answers 201, with nothing else (no validation, no engine, no disk).
 */
const app = new Hono();
app.post('/orders', async (c) => {
  const body = await c.req.json();
  return c.json({ id: 'x', lines: body.lines }, 201);
});
const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => {
  console.log(`listening on http://127.0.0.1:${info.port}`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
