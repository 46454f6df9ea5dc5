import type { Engine, IdempotencyKeys, SourcingProfiles } from '../engine/index.js';
import type { SourcingPool } from '../sourcing/index.js';
import type { RuleRegistry, WorkflowCatalog } from '../workflows/index.js';
import type { Webhooks } from '../integrations/webhooks/index.js';
import type { BulkJobs } from '../inventory/bulk/index.js';
import type { Principal } from './auth.js';
import type { InFlight } from './load-shedding.js';
import type { RateLimits } from './rate-limit.js';
import type { Metrics } from './metrics.js';

/** What every handler can reach: the engine and the shared services of the edge. */
export interface AppDeps {
  engine: Engine;
  idempotency: IdempotencyKeys;
  metrics: Metrics;
  /** Largest request body accepted, in bytes. */
  maxBodyBytes: number;
  /** Per-key request rates (token buckets), by role. */
  rateLimits?: RateLimits;
  /** Requests processed at once before new ones are shed with 503, and the live count. */
  maxInFlight?: number;
  inFlight?: InFlight;
  /** Workflow definitions and the bricks they may use. */
  workflows: { catalog: WorkflowCatalog; rules: RuleRegistry };
  /** Bulk stock loads and their jobs. */
  bulk: BulkJobs;
  /** Outbound webhooks: endpoints, dead letters. */
  webhooks: Webhooks;
  /** Sourcing profiles, and the worker pool that solves large sourcing problems off the engine's thread. */
  sourcing: { profiles: SourcingProfiles; pool: SourcingPool };
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
