export { Journal, type Appended, type FatalHandler } from './journal.js';
export {
  checkVersion,
  SCHEMA_VERSION,
  type ActorRecord,
  type DocumentRecord,
  type Fact,
  type IdempotencyRecord,
  type JournalEntry,
  type PositionRecord,
  type StoredState,
} from './records.js';
export { closeStore, openStore, type Store } from './store.js';
