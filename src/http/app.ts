import { Hono } from 'hono';
import type { ApiKeys } from '../auth/index.js';
import { inventoryBatch } from '../stock/index.js';
import { inboundBatch } from '../supply/index.js';
import { authenticate } from './auth.js';
import { routeInCluster } from './cluster-routing.js';
import { capConnectionsPerKey } from './connection-caps.js';
import { allowOrigins } from './cors.js';
import { shedLoad } from './load-shedding.js';
import { receiveBody } from './receive-body.js';
import { DEFAULT_RATE_LIMITS, rateLimit } from './rate-limit.js';
import type { AppDeps, AppEnv } from './env.js';
import { errorResponse } from './errors.js';
import { alertRoutes } from './routes/alerts.js';
import { auditRoutes } from './routes/audit.js';
import { consoleFileRoutes, consoleRoutes } from './routes/console.js';
import { availabilityRoutes } from './routes/availability.js';
import { batchRoutes } from './routes/batch.js';
import { docsRoutes } from './routes/docs.js';
import { entityRoutes } from './routes/entities.js';
import { healthRoutes, type Lifecycle } from './routes/health.js';
import { holdRoutes } from './routes/holds.js';
import { supplyRoutes } from './routes/supply.js';
import { inventoryRoutes } from './routes/inventory.js';
import { jobRoutes } from './routes/jobs.js';
import { locationRoutes } from './routes/locations.js';
import { opsRoutes } from './routes/ops.js';
import { backupRoutes } from './routes/backups.js';
import { orderRoutes } from './routes/orders.js';
import { poolRoutes } from './routes/pools.js';
import { productRoutes } from './routes/products.js';
import { purchaseLimitRoutes } from './routes/purchase-limits.js';
import { returnPolicyRoutes } from './routes/return-policies.js';
import { sourcingProfileRoutes } from './routes/sourcing-profiles.js';
import { backtestRoutes } from './routes/backtests.js';
import { sourcingRoutes } from './routes/sourcing.js';
import { statusRoutes } from './routes/statuses.js';
import { workflowRoutes } from './routes/workflows.js';
import { webhookRoutes } from './routes/webhooks.js';
import { matchHotRoutesFirst } from './hot-routes.js';

/** The bulk loads' routes: each streams its body and keeps its own, larger limit. */
const BULK_PATHS = new Set(['/inventory/batch', '/inbound/batch']);

/** The HTTP API: thin routes over the engine, one error envelope, auth on everything but `/health`. */
export function createApp(deps: AppDeps & { keys: ApiKeys }, lifecycle: Lifecycle = { draining: false }): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const { metrics } = deps;

  app.use(async function measure(c, next) {
    const started = performance.now();
    await next();
    metrics.observe(c.req.method, c.req.routePath, c.res.status, (performance.now() - started) / 1000);
  });
  app.route('/health', healthRoutes(deps, lifecycle));
  app.route('/', consoleFileRoutes(deps.console.assets));
  // The API's description, before authentication like /health: a browser opens /docs without a key.
  app.route('/', docsRoutes(app));
  if (deps.corsOrigins?.length) app.use(allowOrigins(deps.corsOrigins));
  // Before authentication: a follower forwards a write whole, and the leader authenticates it.
  if (deps.cluster) app.use(routeInCluster(deps.cluster));
  // Cheap refusals first (who is asking, how often, on how many connections), then the body, then a slot:
  // a request holds an in-flight slot only once its body is complete, so slow bodies cannot take them all.
  app.use(authenticate(deps.keys));
  app.use(rateLimit(deps.rateLimits ?? DEFAULT_RATE_LIMITS));
  app.use(capConnectionsPerKey(deps.connections.maxPerKey, deps.connections.refused));
  // A bulk load streams its body and enforces its own, larger limit (a plain path test: hono's `except`
  // composes two more middleware layers on every request).
  const receive = receiveBody({ maxBytes: deps.maxBodyBytes, deadlineMs: deps.body.timeoutMs, counter: deps.body.receiving });
  app.use((c, next) => (BULK_PATHS.has(c.req.path) ? next() : receive(c, next)));
  app.use(shedLoad(deps.maxInFlight ?? 4096, deps.inFlight ?? { current: 0, shed: 0 }));
  app.route('/locations', locationRoutes(deps));
  app.route('/products', productRoutes(deps));
  app.route('/inventory/batch', batchRoutes(deps, inventoryBatch(deps.fulcrum)));
  app.route('/inventory', inventoryRoutes(deps));
  app.route('/jobs', jobRoutes(deps));
  app.route('/inbound/batch', batchRoutes(deps, inboundBatch(deps.fulcrum)));
  app.route('/', supplyRoutes(deps));
  app.route('/availability', availabilityRoutes(deps));
  app.route('/pools', poolRoutes(deps));
  app.route('/statuses', statusRoutes(deps));
  app.route('/orders', orderRoutes(deps));
  app.route('/holds', holdRoutes(deps));
  app.route('/purchase-limits', purchaseLimitRoutes(deps));
  app.route('/return-policies', returnPolicyRoutes(deps));
  app.route('/sourcing-profiles', sourcingProfileRoutes(deps));
  app.route('/sourcing/backtests', backtestRoutes(deps));
  app.route('/sourcing', sourcingRoutes(deps));
  app.route('/workflows', workflowRoutes(deps, deps.workflows.catalog, deps.workflows.rules));
  app.route('/alerts', alertRoutes(deps));
  app.route('/audit', auditRoutes(deps));
  app.route('/', entityRoutes(deps));
  app.route('/webhooks', webhookRoutes(deps));
  app.route('/ops/backups', backupRoutes(deps));
  app.route('/', opsRoutes(deps));
  app.route('/ui', consoleRoutes(deps));
  app.notFound((c) => c.json({ error: { type: 'not_found', message: `no route for ${c.req.method} ${c.req.path}`, details: [] } }, 404));
  app.onError((err, c) => errorResponse(c, err));
  matchHotRoutesFirst(app);
  return app;
}
