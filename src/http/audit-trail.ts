/** The edge's part of the audit log: a change recorded under the caller's key id, in the event turn of the change itself. */
import type { Context } from 'hono';
import type { AuditChange, AuditLog } from '../audit/index.js';
import type { AppEnv } from './app-env.js';

/**
 * Records a configuration or manual stock change. Call it synchronously right after the command that made
 * the change (before any await): its put then joins the same LMDB transaction as the change's own writes,
 * so the change and its record are durable together (the change's reply waits for that flush). Secrets are
 * stripped by the log. Resolves once the record is on disk.
 */
export function recordChange(c: Context<AppEnv>, log: AuditLog, change: Omit<AuditChange, 'by'>): Promise<void> {
  return log.record({ ...change, by: c.get('principal').keyId });
}
