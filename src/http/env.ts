import type { Engine, IdempotencyKeys } from '../engine/index.js';
import type { Principal } from './auth.js';
import type { Metrics } from './metrics.js';

/** What every handler can reach: the engine and the shared services of the edge. */
export interface AppDeps {
  engine: Engine;
  idempotency: IdempotencyKeys;
  metrics: Metrics;
  /** Largest request body accepted, in bytes. */
  maxBodyBytes: number;
}

/** Saves a reply under the request's Idempotency-Key in the same event turn as the facts it reports. */
export interface IdempotentReply {
  save(status: number, body: unknown): Promise<void>;
}

export interface AppEnv {
  Variables: {
    principal: Principal;
    idempotency: IdempotentReply | undefined;
    rawBody: string | undefined;
  };
}
