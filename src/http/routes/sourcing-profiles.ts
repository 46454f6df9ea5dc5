import { Hono } from 'hono';
import { z } from 'zod';
import { DomainError } from '../../domain/errors.js';
import type { StoredSourcingProfile } from '../../sourcing/index.js';
import { recordChange } from '../audit-trail.js';
import { allow } from '../auth.js';
import { jsonDocument, validate } from '../body.js';
import type { AppDeps, AppEnv } from '../env.js';
import { reply } from '../reply.js';
import { described } from '../openapi/describe.js';
import { SourcingProfile, SourcingProfileDraft, SourcingProfileSummary } from '../replies.js';
import { sourcingProfileSchema } from '../../sourcing/index.js';

const Version = z.coerce.number().int().min(1);

/**
 * `PUT /sourcing-profiles/:id` (a new draft version), `POST /sourcing-profiles/:id/versions/:v/activate`,
 * `GET /sourcing-profiles`, `GET /sourcing-profiles/:id`.
 */
export function sourcingProfileRoutes({ fulcrum, audit, sourcing }: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const { profiles } = sourcing;
  const now = () => new Date(fulcrum.engine.clock.now()).toISOString();

  app.get('/', described({ summary: 'List sourcing profiles', description: 'Every profile with its versions, and the one active.', replies: { 200: { description: 'The profiles', schema: z.looseObject({ active: z.unknown(), items: z.array(SourcingProfileSummary) }) } } }, allow('network:read')), (c) => c.json({ active: profiles.active() ?? null, items: profiles.list().map(summary) }));
  app.get('/:id', described({ summary: 'Get a sourcing profile', replies: { 200: { description: 'The profile and its versions', schema: SourcingProfile } }, errors: ['not_found'] }, allow('network:read')), (c) => {
    const profile = profiles.get(c.req.param('id'));
    if (!profile) throw new DomainError('not_found', `no sourcing profile '${c.req.param('id')}'`);
    return c.json(profile);
  });
  app.put('/:id', described({ summary: 'Add a draft version of a sourcing profile', description: '`id` and `version` may be left out: the path names the profile and versions count up.', body: sourcingProfileSchema, replies: { 201: { description: 'The new draft version', schema: SourcingProfileDraft } } }, allow('config')), async (c) => {
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
  app.post('/:id/versions/:version/activate', described({ summary: 'Activate a sourcing profile version', params: z.object({ version: Version }), replies: { 200: { description: 'The profile after the change', schema: SourcingProfileSummary } }, errors: ['not_found', 'invalid_state', 'conflict'] }, allow('config')), (c) => {
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
