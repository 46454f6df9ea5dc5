/** The audit log of configuration and manual stock changes. */
export { AuditLog, withoutSecrets, type AuditChange, type AuditPage, type AuditQuery } from './audit-log.js';
