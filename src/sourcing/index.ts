export { buildProblem, effectiveSplit } from './build-problem.js';
export { defaultSourcingProfile, defaultSourcingProfileDocument } from './default-profile.js';
export { describeReason, explain } from './explain.js';
export type { ExplainedCandidate, ExplainedCandidateLine, ExplainedPlan, ExplainOptions, SourcingExplanation } from './explain.js';
export { greedyPlan } from './greedy.js';
export type { SolveReply, SolveTask } from './messages.js';
export { DEFAULT_BUDGET_MS, optimize } from './optimize.js';
export type { OptimizeOptions } from './optimize.js';
export { INLINE_MAX_WORK, SourcingPool } from './pool.js';
export type { SourcingPoolOptions, SourcingPoolStats } from './pool.js';
export { problemWork } from './problem.js';
export { bestConsolidation, lane, type Consolidation, type PlannedTransfer, type TransferPolicy } from './transfer-plan.js';
export type {
  ExcludedLocation,
  ExclusionCode,
  ExclusionReason,
  ProblemLine,
  SourcingProblem,
} from './problem.js';
export { parseSourcingProfile } from './profile.js';
export type { CapabilityRule, SourcingProfile, SourcingStrategy } from './profile.js';
export { attributeKeySchema, sourcingProfileSchema } from './profile-schema.js';
export type { SourcingProfileDocument, SourcingProfileInput } from './profile-schema.js';
export type {
  CostBreakdown,
  Infeasibility,
  PlannedLine,
  PlannedShipment,
  RankedPlan,
  ShipmentCost,
  ShortLine,
  SolveFallback,
  SolveMethod,
  SourcingPlan,
  SourcingResult,
} from './result.js';
export { sourceOrder, sourceOrderSync } from './source-order.js';
export type { SolveProblem, SourcingDecision, StrategyAttempt } from './source-order.js';
export type {
  DeliveryType,
  Destination,
  LocationCapacity,
  LocationStatus,
  NetworkLocation,
  ProductAttributes,
  SourcingLine,
  SourcingNetwork,
  SourcingRequest,
  SplitRequest,
  StockAttributes,
} from './types.js';
export type { PluginLine, SourcingConditionDefinition, SourcingCostTermDefinition, SourcingExtensions, SourcingFilterDefinition, SourcingPlugin } from './extensions.js';
export { noPlugins, PluginRegistry } from './extension-registry.js';
export { considerTransfers, type TransferChoice } from './live/consider-transfers.js';
export { GeoTable } from './live/nearest-walk.js';
export { recordDecision, sourcingDecisions, type SourcingDecisionView } from './live/decisions.js';
export { LocationLoad } from './live/location-load.js';
export { LookAhead, type LookAheadPrices } from './live/look-ahead.js';
export { LookAheadSolver, type LookAheadSolverOptions } from './live/look-ahead-solver.js';
export { sourcingNetwork, type OrderNetwork } from './live/order-network.js';
export { orderResourcingAsk, planAndReserve, type ResourcingAsk, type ResourcingOutcome } from './live/plan-and-reserve.js';
export {
  mayNeedPool,
  planSourcing,
  proposeSourcing,
  REPLAN_BUDGET_MS,
  shortLineDetail,
  type Recheck,
  type ShortOrderLine,
  type SourcingAsk,
  type SourcingOutcome,
} from './live/plan-sourcing.js';
export { SourcingProfiles, type SourcingProfileVersion, type StoredSourcingProfile } from './live/profiles.js';
export { Sourcing, type SourcingPorts } from './live/sourcing.js';
export type { LookAheadSettings } from './look-ahead/config.js';
export { DemandWindow, type DemandWindowSettings, type SkuDemand } from './look-ahead/demand.js';
export { solveFluidLp, type FluidLpAnswer, type FluidLpInput, type LpLocation, type LpRegion, type LpSku } from './look-ahead/fluid-lp.js';
export { futureValuesOf, lookAheadKey, type FutureValues, type FutureValueTable } from './look-ahead/future-values.js';
export { fluidLpInput } from './look-ahead/lp-input.js';
export * from './backtest/index.js';
export { countRecordedOrders, recordedIntakeDecisions, type RecordedDecision } from './live/decisions.js';
