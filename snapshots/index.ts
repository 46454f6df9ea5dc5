export { Journal, lastSequence, type Appended, type FatalHandler, type ReplicationPort } from './journal.js';
export {
  checkVersion,
  SCHEMA_VERSION,
  type ActorRecord,
  type AuditRecord,
  type DeadLetterRecord,
  type DocumentRecord,
  type Fact,
  type IdempotencyRecord,
  type JournalEntry,
  type OutboxRecord,
  type PositionRecord,
  type StoredOutboundEvent,
  type StoredState,
  type StoredTimelineEntry,
  type TimelineEntry,
  type TimelineRecord,
  type WebhookEndpointRecord,
} from './records.js';
export { canBeKey, closeStore, openStore, STORE_FILE, type Store, type StoreOptions } from './store.js';
export { CLUSTER_APPLIED_KEY, copyStore, inspectStoreCopy, openStoreForCopy, storeBytesInUse, storeStats, type CopySource, type StoreStats, type StoreCopyFacts } from './store-copy.js';
export { SnapshotWriter, type DirtyEntity, type DirtyLocation, type SnapshotSource, type SnapshotStats, type SnapshotWriterOptions } from './snapshot-writer.js';
export { applyWrites, captureWrites, CONFIGURATION_DATABASES, PackedValue, PACKED_DATABASES, packPlain, REPLICATED_DATABASES, storedBytes, type ReplicatedDatabase, type ReplicatedWrite } from './replicated-writes.js';
