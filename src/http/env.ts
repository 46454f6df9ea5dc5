import type { AuditLog } from '../audit/index.js';
import type { IdempotencyKeys } from '../engine/index.js';
import type { Fulcrum } from '../fulcrum/index.js';
import type { SourcingProfiles } from '../sourcing/index.js';
import type { SourcingPool } from '../sourcing/index.js';
import type { RuleRegistry, WorkflowCatalog } from '../workflows/index.js';
import type { Webhooks } from '../integrations/index.js';
import type { BulkJobs } from '../bulk/index.js';
import type { Backups } from '../backups/index.js';
import type { ClusterView } from '../cluster/index.js';
import type { Backtests } from '../lab/index.js';
import type { RefusedConnections } from './connection-caps.js';
import type { InFlight } from './load-shedding.js';
import type { Receiving } from './receive-body.js';
import type { RateLimits } from './rate-limit.js';
import type { Metrics } from './metrics.js';
import type { ConsoleAssets, ConsoleLayouts } from '../console/index.js';

/** What every handler can reach: Fulcrum (the engine and its modules) and the shared services of the edge. */
export interface AppDeps {
  fulcrum: Fulcrum;
  /** Configuration and manual stock changes, recorded by the routes that make them. */
  audit: AuditLog;
  idempotency: IdempotencyKeys;
  metrics: Metrics;
  /** Origins whose pages may call the API from a browser (CORS); none by default. */
  corsOrigins?: readonly string[];
  /** Largest request body accepted, in bytes. */
  maxBodyBytes: number;
  /** Per-key request rates (token buckets), by role. */
  rateLimits?: RateLimits;
  /** Request bodies: the time they have to arrive whole (408 past it), and those arriving now. */
  body: { timeoutMs: number; receiving: Receiving };
  /** Connections one API key may hold open, and how many were refused by the caps. */
  connections: { maxPerKey: number; refused: RefusedConnections };
  /** Requests processed at once (bodies complete) before new ones are shed with 503, and the live count. */
  maxInFlight?: number;
  inFlight?: InFlight;
  /** Workflow definitions and the bricks they may use. */
  workflows: { catalog: WorkflowCatalog; rules: RuleRegistry };
  /** Bulk loads (stock, inbound) and their jobs. */
  bulk: BulkJobs;
  /** Online backups of the store (`/ops/backups`). */
  backups: Backups;
  /** Outbound webhooks: endpoints, dead letters. */
  webhooks: Webhooks;
  /**
   * Sourcing profiles, the worker pool that solves large sourcing problems off the engine's thread, and the
   * backtests of draft profiles (absent: `POST /sourcing/backtests` answers 503).
   */
  sourcing: { profiles: SourcingProfiles; pool: SourcingPool; backtests?: Backtests };
  /** The operations console: its files (served before authentication) and the tile layouts per role. */
  console: { assets: ConsoleAssets; layouts: ConsoleLayouts };
  /** Cluster mode: the node's role, its leader, how far it applied the journal stream. */
  cluster?: ClusterView;
}

export type { AppEnv, IdempotentReply } from './app-env.js';
