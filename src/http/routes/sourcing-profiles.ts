import { Hono } from 'hono';
import { z } from 'zod';
import { DomainError } from '../../domain/errors.js';
import type { StoredSourcingProfile } from '../../sourcing/index.js';
import { recordChange } from '../audit-trail.js';
import { allow } from '../auth.js';
import { jsonDocument, validate } from '../body.js';
import type { AppDeps, AppEnv } from '../env.js';
import { reply } from '../reply.js';

const Version = z.coerce.number().int().min(1);

/**
 * `PUT /sourcing-profiles/:id` (a new draft version), `POST /sourcing-profiles/:id/versions/:v/activate`,
 * `GET /sourcing-profiles`, `GET /sourcing-profiles/:id`.
 */
export function sourcingProfileRoutes({ fulcrum, audit, sourcing }: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const { profiles } = sourcing;
  const now = () => new Date(fulcrum.engine.clock.now()).toISOString();

  app.get('/', allow('network:read'), (c) => c.json({ active: profiles.active() ?? null, items: profiles.list().map(summary) }));
  app.get('/:id', allow('network:read'), (c) => {
    const profile = profiles.get(c.req.param('id'));
    if (!profile) throw new DomainError('not_found', `no sourcing profile '${c.req.param('id')}'`);
    return c.json(profile);
  });
  app.put('/:id', allow('config'), async (c) => {
    const doc = await jsonDocument(c);
    const id = c.req.param('id');
    const latest = profiles.get(id)?.versions.at(-1);
    const committed = profiles.put(id, doc, now());
    recordChange(c, audit, {
      action: 'sourcing-profile.put',
      target: { type: 'sourcing-profile', id },
      before: latest ? { version: latest.version, document: latest.document } : null,
      after: { version: committed.value.version, document: committed.value.document },
    });
    const { version, status, createdAt } = committed.value;
    return reply(c, 201, { ...committed, value: { id, version, status, createdAt } });
  });
  app.post('/:id/versions/:version/activate', allow('config'), (c) => {
    const version = validate(Version, c.req.param('version'), 'the version in the path is not valid');
    const active = profiles.active();
    const committed = profiles.activate(c.req.param('id'), version, now());
    recordChange(c, audit, { action: 'sourcing-profile.activate', target: { type: 'sourcing-profile', id: c.req.param('id') }, before: { active: active ?? null }, after: { active: { id: c.req.param('id'), version } } });
    return reply(c, 200, { ...committed, value: summary(committed.value) });
  });
  return app;
}

function summary(profile: StoredSourcingProfile) {
  return {
    id: profile.id,
    active: profile.versions.find((v) => v.status === 'active')?.version ?? null,
    versions: profile.versions.map((v) => ({ version: v.version, status: v.status, createdAt: v.createdAt, activatedAt: v.activatedAt })),
  };
}
