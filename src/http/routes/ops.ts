import { Hono } from 'hono';
import { allow } from '../auth.js';
import type { AppDeps, AppEnv } from '../env.js';
import { described } from '../openapi/describe.js';

/** `GET /metrics` (authenticated). The health endpoints are served before authentication: routes/health.ts. */
export function opsRoutes({ metrics }: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get('/metrics', described({ summary: 'Prometheus metrics', replies: { 200: { description: 'The exposition that `promtool check metrics` accepts', media: 'text/plain' } } }, allow('metrics')), async (c) => c.body(await metrics.render(), 200, { 'Content-Type': metrics.contentType }));
  return app;
}
