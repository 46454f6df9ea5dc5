/** When to give up on a delivery and how long to wait between attempts. */
export interface RetryPolicy {
  /** Attempts in all, the first included; after the last failure the delivery becomes a dead letter. */
  maxAttempts: number;
  /** The ceiling of the first wait; each later ceiling doubles. */
  baseDelayMs: number;
  /** No wait is longer than this. */
  maxDelayMs: number;
}

/**
 * 16 attempts, waits from up to 1 s doubling to a cap of 10 min: a receiver may be gone for about an hour in
 * the worst draw (about half that on average) before a delivery is dead-lettered.
 */
export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 16, baseDelayMs: 1000, maxDelayMs: 600_000 };

/** The longest wait after `failedAttempts` failures: `min(maxDelay, baseDelay * 2^(failedAttempts-1))`. */
export function retryCeiling(failedAttempts: number, policy: RetryPolicy): number {
  const exponent = Math.min(Math.max(failedAttempts - 1, 0), 52);
  return Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** exponent);
}

/**
 * The wait before the next attempt, with full jitter (uniform in `[0, ceiling]`): receivers that come back
 * after an outage get the backlog spread out instead of in synchronized waves.
 */
export function retryDelay(failedAttempts: number, policy: RetryPolicy, random: () => number = Math.random): number {
  return Math.floor(random() * (retryCeiling(failedAttempts, policy) + 1));
}
