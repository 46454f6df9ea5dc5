import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { permissionsOf, ROLES } from '../../auth/index.js';
import { LayoutBody, type ConsoleAssets } from '../../console/index.js';
import { DomainError } from '../../domain/errors.js';
import { recordChange } from '../audit-trail.js';
import { allow } from '../auth.js';
import { jsonBody, validate } from '../body.js';
import type { AppDeps, AppEnv } from '../env.js';
import { anyKeyDoc } from '../openapi/access.js';
import { describe, described, documented } from '../openapi/describe.js';
import { ConsoleLayout, KeyInfo } from '../replies.js';
import { reply } from '../reply.js';

const RoleParam = z.enum(ROLES as [string, ...string[]]);

/**
 * The console's files at `/console` (served before authentication: the page signs in itself), and `/`, which
 * sends a browser there. Every file is in memory (src/console/assets.ts), with an ETag.
 */
export function consoleFileRoutes(assets: ConsoleAssets): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const send = (c: Context<AppEnv>, path: string) => {
    const file = assets.get(path);
    if (!file) {
      if (!assets.built) throw new DomainError('not_found', 'the console is not built: run `npm run build`, then reload');
      throw new DomainError('not_found', `no console file '${path}'`);
    }
    if (c.req.header('if-none-match') === file.etag) return c.body(null, 304);
    // The page itself is revalidated each time (it names the bundle); the bundle is cheap to revalidate too.
    return c.body(new Uint8Array(file.body), 200, { 'Content-Type': file.type, ETag: file.etag, 'Cache-Control': 'no-cache', 'X-Content-Type-Options': 'nosniff' });
  };
  const page = { summary: 'The operations console', description: 'No key needed: the page signs in itself.', replies: { 200: { description: 'The console', media: 'text/html' } }, errors: ['not_found' as const] };
  app.get('/console', describe(page), (c) => send(c, 'index.html'));
  app.get('/console/', documented(describe(page), { operationId: 'getConsoleIndex' }), (c) => send(c, 'index.html'));
  app.get('/console/plugins.json', describe({ summary: "The console's plugin scripts", description: 'No key needed.', replies: { 200: { description: 'Their paths', schema: z.looseObject({ scripts: z.array(z.string()) }) } } }), (c) => c.json({ scripts: assets.plugins().map((p) => `/console/${p}`) }));
  const file = describe({ summary: "A file of the console's", description: 'No key needed.', replies: { 200: { description: 'The file', media: 'application/octet-stream' } }, errors: ['not_found'] });
  app.get('/console/:file', file, (c) => send(c, c.req.param('file')));
  app.get('/console/plugins/:file', file, (c) => send(c, `plugins/${c.req.param('file')}`));
  app.get('/', describe({ summary: 'A browser lands on the console', description: 'With `Accept: text/html`: a redirect to `/console`; otherwise no route (404, or 401 without a key).', replies: { 302: { description: 'To /console' } }, errors: ['not_found', 'unauthorized'] }), async (c, next) => {
    if (!(c.req.header('accept') ?? '').includes('text/html')) return next();
    return c.redirect('/console', 302);
  });
  return app;
}

/** `GET /ui/me` (who the key is and what it may do), `GET/PUT /ui/layouts/:role` (the console's tiles per role). */
export function consoleRoutes({ fulcrum, audit, console: consoleDeps }: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const { layouts } = consoleDeps;
  app.get('/me', documented(describe({ summary: 'Who this key is', description: 'Its role and what the role may do: the console offers nothing else.', replies: { 200: { description: 'The key', schema: KeyInfo } } }), anyKeyDoc()), (c) => {
    const p = c.get('principal');
    return c.json({ keyId: p.keyId, role: p.role, ...(p.channels ? { channels: p.channels } : {}), permissions: permissionsOf(p.role) });
  });
  app.get('/layouts/:role', documented(describe({ summary: "A role's console layout", description: "Any key may read its own role's; an admin key any role's.", replies: { 200: { description: 'The layout', schema: ConsoleLayout } }, errors: ['forbidden'] }), anyKeyDoc()), (c) => {
    const role = validate(RoleParam, c.req.param('role'), 'the role in the path is not valid');
    const p = c.get('principal');
    if (p.role !== role && p.role !== 'admin') throw new DomainError('forbidden', `a ${p.role} key may read only its own role's layout`);
    return c.json(layouts.get(role as never));
  });
  app.put('/layouts/:role', described({ summary: "Replace a role's console layout", description: 'Validated (each bad tile with its path), durable and audited.', body: LayoutBody, replies: { 200: { description: 'The layout', schema: ConsoleLayout } } }, allow('config')), async (c) => {
    const role = validate(RoleParam, c.req.param('role'), 'the role in the path is not valid') as never;
    const body = await jsonBody(c, LayoutBody);
    const before = layouts.get(role);
    const committed = layouts.put(role, body, new Date(fulcrum.engine.clock.now()).toISOString(), c.get('principal').keyId);
    recordChange(c, audit, { action: 'console-layout.put', target: { type: 'console-layout', id: role }, before: before.updatedAt ? before : null, after: committed.value });
    return reply(c, 200, committed);
  });
  return app;
}
