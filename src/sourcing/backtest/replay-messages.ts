import type { SourcingExplanation } from '../explain.js';
import type { SourcingProfileDocument } from '../profile-schema.js';
import type { ReplayLocation, ReplayOrder, ReplayProducts } from './replay-order.js';
import type { SandboxState } from './sandbox-stock.js';

/**
 * The messages between the engine's thread and a backtest worker, in one place. Both are structured-clone
 * safe. A backtest is a sequence of chunks: each carries the sandboxes the previous one left, so any worker
 * can take the next one and a cancelled backtest stops between two.
 */

/** The two sides of a backtest: the profile that was live when each order was placed, and the draft. */
export type BacktestSide = 'live' | 'draft';

/** Engine -> worker: orders to replay, in arrival order, with everything they read. */
export interface ReplayTask {
  /** Names the draft for the worker's cache of parsed profiles (the backtest's job id). */
  readonly draftKey: string;
  readonly draft: SourcingProfileDocument;
  /** Every live profile version the orders name (versions never change once stored). */
  readonly live: readonly SourcingProfileDocument[];
  readonly orders: readonly ReplayOrder[];
  readonly locations: readonly ReplayLocation[];
  readonly products: ReplayProducts;
  readonly sandboxes: Readonly<Record<BacktestSide, SandboxState>>;
  /** How many more changed or unsourced orders to explain in full; the rest are listed without. */
  readonly explain: number;
  /** The optimizer's budget per problem, as at intake. */
  readonly budgetMs: number;
}

/** One side's plan for one order: its cost by term and its shipments. */
export interface PlanRow {
  readonly cost: number;
  readonly terms: Readonly<Record<string, number>>;
  readonly shipments: ReadonlyArray<{ readonly location: string; readonly units: number; readonly distanceKm: number }>;
}

/** One replayed order: both sides' plans (null: could not be sourced, with why). */
export interface OrderRow {
  readonly order: string;
  readonly at: string;
  readonly live: PlanRow | null;
  readonly draft: PlanRow | null;
  readonly liveWhy?: string;
  readonly draftWhy?: string;
  /** The draft's plan differs from the live profile's (other shipments, or sourced on one side only). */
  readonly changed: boolean;
  /** The live profile's replay made the plan the order really got. */
  readonly reproduced: boolean;
  /** The draft's filters admitted a location whose stock the record did not keep (counted as none). */
  readonly unrecorded: boolean;
}

/** A changed or unsourced order with both sides' explanations. */
export interface ExplainedOrder {
  readonly order: string;
  readonly at: string;
  readonly live: SourcingExplanation | null;
  readonly draft: SourcingExplanation | null;
}

/** Worker -> engine: the rows of the chunk, the explanations it made, and the sandboxes for the next chunk. */
export interface ReplayReply {
  readonly rows: readonly OrderRow[];
  readonly explained: readonly ExplainedOrder[];
  readonly sandboxes: Readonly<Record<BacktestSide, SandboxState>>;
}
