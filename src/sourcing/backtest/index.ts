/** Backtests of sourcing profiles: replaying recorded orders against a draft in a sandbox, off the engine's thread. */
export type { BacktestSide, ExplainedOrder, OrderRow, PlanRow, ReplayReply, ReplayTask } from './replay-messages.js';
export type { ReplayLocation, ReplayOrder, ReplayProducts, StockSeen } from './replay-order.js';
export { ReplayPool, type ReplayPoolOptions } from './replay-pool.js';
export { SandboxStock, type SandboxState } from './sandbox-stock.js';
export { partlyRecorded, stockSeen, type RecordedSight } from './stock-seen.js';
