import { register } from 'node:module';

/**
 * Measures Fulcrum's HTTP stack without its engine: preloaded into a server (`node --import
 * <dist>/bench/intake/stub-engine.js <dist>/src/main.js ...`), it gives the orders routes a `placeOrderPooled`
 * that answers at once with an order view built from the validated command, without a step, sourcing, the
 * journal or a flush. Everything else of `POST /orders` runs as it does in production: node:http, Hono, every
 * middleware (metrics, auth, rate limit, connection cap, body receipt, shedding, idempotency, allow), the
 * body's UTF-8 check, JSON.parse and validation, the idempotent save and the reply. Nothing in `src` changes:
 * a module hook redirects only the orders routes' import of `orders/index.js`, so any build can be measured
 * (`compare-builds.js before=<dist>@--import=<this file> after=dist@--import=<this file>`).
 */
register('./stub-engine-hooks.js', import.meta.url);
