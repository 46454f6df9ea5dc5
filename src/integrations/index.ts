/** Integrations with other systems: outbound webhooks (an outbox delivered at least once, signed). */
export * from './webhooks/index.js';
