import { DEFAULT_RETRY, type RetryPolicy } from './backoff.js';

/** How the dispatcher delivers. */
export interface DeliveryOptions {
  retry: RetryPolicy;
  /** One attempt may take this long, connection to response headers; then it counts as failed. */
  timeoutMs: number;
  /** Attempts in flight at once, over all endpoints. */
  concurrency: number;
  /** Attempts in flight at once to one endpoint, so one slow receiver cannot take every slot. */
  perEndpoint: number;
  /** The jitter source; tests pin it. */
  random: () => number;
}

/** What a caller may set; everything left out takes its default. */
export interface DeliverySettings {
  maxAttempts?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  timeoutMs?: number;
  concurrency?: number;
  perEndpoint?: number;
  random?: () => number;
}

/** Defaults besides the retry policy: 10 s per attempt, 16 attempts in flight, 4 of them to one endpoint. */
export const DEFAULT_DELIVERY = { timeoutMs: 10_000, concurrency: 16, perEndpoint: 4 } as const;

/** Fills defaults and checks every option once, with a message that names it. */
export function deliveryOptions(settings: DeliverySettings = {}): DeliveryOptions {
  const options: DeliveryOptions = {
    retry: {
      maxAttempts: whole('maxAttempts', settings.maxAttempts ?? DEFAULT_RETRY.maxAttempts, 1, 1000),
      baseDelayMs: whole('baseDelayMs', settings.baseDelayMs ?? DEFAULT_RETRY.baseDelayMs, 1, 86_400_000),
      maxDelayMs: whole('maxDelayMs', settings.maxDelayMs ?? DEFAULT_RETRY.maxDelayMs, 1, 7 * 86_400_000),
    },
    timeoutMs: whole('timeoutMs', settings.timeoutMs ?? DEFAULT_DELIVERY.timeoutMs, 1, 600_000),
    concurrency: whole('concurrency', settings.concurrency ?? DEFAULT_DELIVERY.concurrency, 1, 10_000),
    perEndpoint: whole('perEndpoint', settings.perEndpoint ?? DEFAULT_DELIVERY.perEndpoint, 1, 10_000),
    random: settings.random ?? Math.random,
  };
  if (options.retry.maxDelayMs < options.retry.baseDelayMs) {
    throw new Error(`webhook option maxDelayMs (${options.retry.maxDelayMs}) must not be below baseDelayMs (${options.retry.baseDelayMs})`);
  }
  return options;
}

function whole(name: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) throw new Error(`webhook option ${name} must be a whole number from ${min} to ${max}, got ${value}`);
  return value;
}
