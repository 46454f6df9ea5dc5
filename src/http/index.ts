export { createApp } from './app.js';
export { ApiKeys, bearer, generateKey, ROLES, type Principal, type Role } from './auth.js';
export type { AppDeps, AppEnv } from './env.js';
export { answerMalformedRequests, unreadableRequest } from './malformed-requests.js';
export { Metrics } from './metrics.js';
export { shedLoad, type InFlight } from './load-shedding.js';
export { DEFAULT_RATE_LIMITS, parseRateLimits, rateLimit, type RateLimits } from './rate-limit.js';
