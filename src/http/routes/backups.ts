import { Hono } from 'hono';
import { DomainError } from '../../domain/errors.js';
import { allow } from '../auth.js';
import { jsonBody } from '../body.js';
import type { AppDeps, AppEnv } from '../env.js';
import { BackupBody } from '../schemas.js';

/**
 * `POST /ops/backups` (202, a job: `{to}` names a new or empty directory on the server's disk),
 * `GET /ops/backups/:id` (its progress, then the journal sequence covered, size, duration and path) and
 * `GET /ops/backups` (this process's backups, newest first). Admin only: a backup holds every order.
 */
export function backupRoutes({ backups }: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.use(allow('backups'));
  app.post('/', async (c) => {
    const { to } = await jsonBody(c, BackupBody);
    const view = backups.start(to, c.get('principal').keyId);
    return c.json(view, 202, { Location: `/ops/backups/${view.id}` });
  });
  app.get('/', (c) => c.json({ items: backups.list() }));
  app.get('/:id', (c) => {
    const view = backups.view(c.req.param('id'));
    if (!view) throw new DomainError('not_found', `no backup '${c.req.param('id')}' (this server keeps the last 50; a backup's manifest.json is its lasting record)`);
    return c.json(view);
  });
  return app;
}
