import { Hono } from 'hono';
import { authenticate, type ApiKeys } from './auth.js';
import { limitBody } from './body-limit.js';
import type { AppDeps, AppEnv } from './env.js';
import { errorResponse } from './errors.js';
import { availabilityRoutes } from './routes/availability.js';
import { holdRoutes } from './routes/holds.js';
import { inventoryRoutes } from './routes/inventory.js';
import { locationRoutes } from './routes/locations.js';
import { opsRoutes } from './routes/ops.js';
import { orderRoutes } from './routes/orders.js';
import { poolRoutes } from './routes/pools.js';
import { productRoutes } from './routes/products.js';
import { statusRoutes } from './routes/statuses.js';

/** The HTTP API: thin routes over the engine, one error envelope, auth on everything but `/health`. */
export function createApp(deps: AppDeps & { keys: ApiKeys }): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const { engine, metrics } = deps;

  app.use(async function measure(c, next) {
    const started = performance.now();
    await next();
    metrics.observe(c.req.method, c.req.routePath, c.res.status, (performance.now() - started) / 1000);
  });
  app.get('/health', (c) => {
    const failure = engine.failure;
    return c.json(
      failure ? { status: 'failed', error: failure.message } : { status: 'ok', journalSeq: engine.journal.nextSeq - 1, orders: engine.registry.orders.size },
      failure ? 503 : 200,
    );
  });
  app.use(limitBody(deps.maxBodyBytes));
  app.use(authenticate(deps.keys));
  app.route('/locations', locationRoutes(deps));
  app.route('/products', productRoutes(deps));
  app.route('/inventory', inventoryRoutes(deps));
  app.route('/availability', availabilityRoutes(deps));
  app.route('/pools', poolRoutes(deps));
  app.route('/statuses', statusRoutes(deps));
  app.route('/orders', orderRoutes(deps));
  app.route('/holds', holdRoutes(deps));
  app.route('/', opsRoutes(deps));
  app.notFound((c) => c.json({ error: { type: 'not_found', message: `no route for ${c.req.method} ${c.req.path}`, details: [] } }, 404));
  app.onError((err, c) => errorResponse(c, err));
  return app;
}
