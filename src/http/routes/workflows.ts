import { Hono } from 'hono';
import { z } from 'zod';
import { DomainError } from '../../domain/errors.js';
import type { WorkflowCatalog, RuleRegistry } from '../../workflows/index.js';
import { recordChange } from '../audit-trail.js';
import { allow } from '../auth.js';
import { jsonDocument, validate } from '../body.js';
import type { AppDeps, AppEnv } from '../env.js';
import { reply } from '../reply.js';
import { described } from '../openapi/describe.js';
import { itemsOf, Workflow, WorkflowDraft, WorkflowSummary } from '../replies.js';
import { WorkflowDefinition } from '../../workflows/index.js';

const Version = z.coerce.number().int().min(1);

/**
 * `PUT /workflows/:entity/:name` (a new draft version), `POST /workflows/:entity/:name/versions/:v/activate`,
 * `GET /workflows`, `GET /workflows/:entity/:name`, `GET /workflows/bricks`.
 */
export function workflowRoutes({ fulcrum, audit }: AppDeps, catalog: WorkflowCatalog, rules: RuleRegistry): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get('/', described({ summary: 'List workflows', replies: { 200: { description: 'Every workflow with its versions', schema: itemsOf(WorkflowSummary) } } }, allow('network:read')), (c) => c.json({ items: catalog.list().map(summary) }));
  app.get('/bricks', described({ summary: 'List workflow bricks', description: 'The guards and actions a workflow definition may name, built in and from plugins.', replies: { 200: { description: 'The bricks', schema: itemsOf(z.looseObject({})) } } }, allow('network:read')), (c) => c.json({ items: rules.list() }));
  app.get('/:entity/:name', described({ summary: 'Get a workflow', replies: { 200: { description: 'The workflow and its versions', schema: Workflow } }, errors: ['not_found'] }, allow('network:read')), (c) => {
    const wf = catalog.get(c.req.param('entity'), c.req.param('name'));
    if (!wf) throw new DomainError('not_found', `no workflow ${c.req.param('entity')}/${c.req.param('name')}`);
    return c.json(wf);
  });
  app.put('/:entity/:name', described({ summary: 'Add a draft version of a workflow', description: 'A state machine for an entity (`order`, `fulfilment`, `return`, `transfer`), checked against the bricks it names.', body: WorkflowDefinition, replies: { 201: { description: 'The new draft version', schema: WorkflowDraft } }, errors: ['not_found'] }, allow('config')), async (c) => {
    const doc = await jsonDocument(c);
    const { entity, name } = c.req.param();
    const latest = catalog.get(entity, name)?.versions.at(-1);
    const committed = catalog.put(entity, name, doc, new Date(fulcrum.engine.clock.now()).toISOString());
    recordChange(c, audit, {
      action: 'workflow.put',
      target: { type: 'workflow', id: `${entity}/${name}` },
      before: latest ? { version: latest.version, definition: latest.definition } : null,
      after: { version: committed.value.version, definition: committed.value.definition },
    });
    return reply(c, 201, { ...committed, value: { entity: c.req.param('entity'), name: c.req.param('name'), version: committed.value.version, status: committed.value.status } });
  });
  app.post('/:entity/:name/versions/:version/activate', described({ summary: 'Activate a workflow version', params: z.object({ version: Version }), replies: { 200: { description: 'The workflow after the change', schema: WorkflowSummary } }, errors: ['not_found', 'invalid_state', 'conflict'] }, allow('config')), (c) => {
    const version = validate(Version, c.req.param('version'), 'the version in the path is not valid');
    const { entity, name } = c.req.param();
    const before = activeVersion(catalog.get(entity, name)?.versions);
    const committed = catalog.activate(entity, name, version, new Date(fulcrum.engine.clock.now()).toISOString());
    recordChange(c, audit, { action: 'workflow.activate', target: { type: 'workflow', id: `${entity}/${name}` }, before: { active: before }, after: { active: version } });
    return reply(c, 200, { ...committed, value: summary(committed.value) });
  });
  return app;
}

function activeVersion(versions: ReadonlyArray<{ version: number; status: string }> | undefined): number | null {
  return versions?.find((v) => v.status === 'active')?.version ?? null;
}

function summary(wf: ReturnType<WorkflowCatalog['list']>[number]) {
  return {
    entity: wf.entity,
    name: wf.name,
    active: wf.versions.find((v) => v.status === 'active')?.version ?? null,
    versions: wf.versions.map((v) => ({ version: v.version, status: v.status, createdAt: v.createdAt, activatedAt: v.activatedAt })),
  };
}
