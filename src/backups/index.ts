/**
 * Backups (`POST /ops/backups`, `npm run backup`, `npm run restore`, `npm start -- --restore-from`): LMDB's
 * compacted copy of the store taken while orders flow, a manifest with the journal sequence it covers, and a
 * restore that verifies the manifest and the copy before a node starts on it.
 */
export { Backups, type BackupPorts, type BackupView } from './backups.js';
export { MANIFEST_FILE, type BackupFile, type BackupManifest } from './manifest.js';
export { restoreBackup, type RestoreReport } from './restore.js';
export { takeBackup, type BackupProgress, type TakeBackup } from './take-backup.js';
export { checkTarget } from './target.js';
