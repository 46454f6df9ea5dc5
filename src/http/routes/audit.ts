import { Hono } from 'hono';
import { allow } from '../auth.js';
import { validate } from '../body.js';
import type { AppDeps, AppEnv } from '../env.js';
import { AuditQuery } from '../schemas.js';
import { described } from '../openapi/describe.js';
import { AuditPage } from '../replies.js';

/** `GET /audit`: configuration and manual stock changes, newest first, filtered and paged (admin keys). */
export function auditRoutes({ audit }: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get('/', described({ summary: 'Read the audit log', description: 'Configuration and manual stock changes, newest first, each with who made it and the value before and after.', query: AuditQuery, replies: { 200: { description: 'A page of changes', schema: AuditPage } } }, allow('config')), (c) => {
    const q = validate(AuditQuery, c.req.query(), 'the query is not valid');
    // Stored times are UTC (`...Z`); a bound given with an offset is compared as the same instant.
    const since = q.since === undefined ? {} : { since: new Date(q.since).toISOString() };
    const until = q.until === undefined ? {} : { until: new Date(q.until).toISOString() };
    return c.json(audit.page({ ...q, ...since, ...until }));
  });
  return app;
}
