/**
 * The sourcing lab: backtests of a draft sourcing profile on the orders already taken (`POST
 * /sourcing/backtests`), replayed in a worker and a sandbox, never touching live state.
 */
export type { BacktestReport, BacktestStatus, BacktestView } from './backtest.js';
export { parseBacktestRequest, type BacktestRequest } from './backtest-request.js';
export type { Comparison, ListedOrder, SideSummary } from './backtest-tally.js';
export { Backtests, type BacktestsOptions, type LabPorts } from './backtests.js';
export type { BacktestFilter, SkipReason } from './period-orders.js';
