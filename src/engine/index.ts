export { systemClock, type Clock } from './clock.js';
export type { Effect, EffectHandler, EffectOf, OutboundEvent, OutboxPort } from './effects.js';
export {
  Engine,
  type CommittedChanges,
  type EngineCounters,
  type EngineOptions,
  type EntityListener,
  type LocationListener,
  type TransitionListener,
  type WriteGate,
  type SelectionFacts,
  type WorkflowSelector,
} from './engine.js';
export { acceptedEvents, checkExternalEvent, deliverEvent, openEntity, type Delivery, type EventEndpoint } from './entity-events.js';
export { EntityIds, SortableIds } from './entity-ids.js';
/** @internal For tests and benches: the flat-machine macrostep and the scope entities' transitions run in. */
export { standInScope } from './dormant-transition.js';
export { flatMacrostep } from './flat-macrostep.js';
export { IDEMPOTENCY_TTL_MS, IdempotencyKeys, type StoredReply } from './idempotency.js';
export { ALERT_MACHINE, DEFAULT_ORDER_MACHINE, ENTITY_NEW_STATE, HOLD_MACHINE, INBOUND_MACHINE, LOCATION_MACHINE, MachineCatalog } from './machines.js';
export { openEngine, type OpenEngineOptions, type RunningEngine } from './open-engine.js';
export { applyReplicatedEntry, prepareToLead, type RecoveryReport, type ReplicatedApply } from './recovery.js';
export { actorKey, ENTITY_KINDS, ENTITY_PREFIX, type ActorEntry, type EntityEntry, type EntityKind, type LocationEntry } from './registry.js';
export { seqKey, type Committed, type Step } from './step.js';
