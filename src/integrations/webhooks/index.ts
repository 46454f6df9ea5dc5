export { DEFAULT_RETRY, retryCeiling, retryDelay, type RetryPolicy } from './backoff.js';
export type { DeadLetterPage, DeadLetterQuery, DeadLetterView } from './dead-letters.js';
export type { DeliveryStats } from './dispatcher.js';
export type { EndpointInput, EndpointView } from './endpoints.js';
export { compileEventFilter, EVENT_PATTERN, type EventFilter } from './event-filter.js';
export { DEFAULT_DELIVERY, type DeliverySettings } from './options.js';
export { SIGNATURE_HEADER, signatureHeader, signPayload, verifySignature } from './signature.js';
export { Webhooks, type EndpointDeleted } from './webhooks.js';
