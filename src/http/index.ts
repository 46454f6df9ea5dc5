export { createApp } from './app.js';
export { authenticate, allow } from './auth.js';
export type { AppDeps, AppEnv } from './env.js';
export { answerMalformedRequests, unreadableRequest } from './malformed-requests.js';
export { Metrics } from './metrics.js';
export type { Lifecycle } from './routes/health.js';
export { shedLoad, type InFlight } from './load-shedding.js';
export { DEFAULT_RATE_LIMITS, parseRateLimits, rateLimit, type RateLimits } from './rate-limit.js';
