import { Hono } from 'hono';
import { DomainError } from '../../domain/errors.js';
import { allow } from '../auth.js';
import { jsonBody } from '../body.js';
import type { AppDeps, AppEnv } from '../env.js';
import { described } from '../openapi/describe.js';
import { Backup, itemsOf } from '../replies.js';
import { BackupBody } from '../schemas.js';

/**
 * `POST /ops/backups` (202, a job: `{to}` names a new or empty directory on the server's disk),
 * `GET /ops/backups/:id` (its progress, then the journal sequence covered, size, duration and path) and
 * `GET /ops/backups` (this process's backups, newest first). Admin only: a backup holds every order.
 */
export function backupRoutes({ backups }: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.post('/', described({ summary: 'Take a backup', description: "Starts an online, consistent copy of the store into `to` (a new or empty directory on the server's disk); 202 with `Location`. One runs at a time. In cluster mode it copies the store of the node it is sent to (never forwarded): take it on a follower, whose copy names the journal stream sequence it covers (`clusterSeq`), so a node restored from it catches up from the stream after it.", body: BackupBody, replies: { 202: { description: 'The backup, running', schema: Backup } }, errors: ['conflict'] }, allow('backups')), async (c) => {
    const { to } = await jsonBody(c, BackupBody);
    const view = backups.start(to, c.get('principal').keyId);
    return c.json(view, 202, { Location: `/ops/backups/${view.id}` });
  });
  app.get('/', described({ summary: "List this process's backups", description: 'Newest first; a backup\'s manifest.json is its lasting record.', replies: { 200: { description: 'The backups', schema: itemsOf(Backup) } } }, allow('backups')), (c) => c.json({ items: backups.list() }));
  app.get('/:id', described({ summary: "A backup's progress and outcome", description: 'Once done: the journal sequence it covers, its bytes, duration and manifest path.', replies: { 200: { description: 'The backup', schema: Backup } }, errors: ['not_found'] }, allow('backups')), (c) => {
    const view = backups.view(c.req.param('id'));
    if (!view) throw new DomainError('not_found', `no backup '${c.req.param('id')}' (this server keeps the last 50; a backup's manifest.json is its lasting record)`);
    return c.json(view);
  });
  return app;
}
