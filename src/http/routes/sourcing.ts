import { Hono } from 'hono';
import { DomainError } from '../../domain/errors.js';
import { previewSourcing } from '../../orders/index.js';
import type { SourcingProfile } from '../../sourcing/index.js';
import { can } from '../../auth/index.js';
import { allow } from '../auth.js';
import { jsonDocument, validate } from '../body.js';
import type { AppDeps, AppEnv } from '../env.js';
import { OrderBody, PreviewBody } from '../schemas.js';
import { described } from '../openapi/describe.js';
import { SourcingPreview } from '../replies.js';

/**
 * `POST /sourcing/preview`: an order body (as for `POST /orders`) and optionally `profile`, a draft
 * sourcing profile to try; answers the plan, its cost and explanation, and reserves nothing.
 */
export function sourcingRoutes({ fulcrum, sourcing }: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.post('/preview', described({ summary: 'Preview sourcing for an order', description: 'An order body as for `POST /orders`, and optionally `profile`, a draft sourcing profile to try (needs the `config` permission); answers the plan, its cost and explanation, and reserves nothing.', body: PreviewBody, replies: { 200: { description: 'The plan, or why there is none', schema: SourcingPreview } }, errors: ['forbidden', 'not_found', 'unavailable'] }, allow('orders:create')), async (c) => {
    const body = await jsonDocument(c);
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw new DomainError('invalid_request', 'the request body is not valid', [{ path: '(body)', message: 'must be an object' }]);
    }
    const { profile: draft, ...order } = body as Record<string, unknown>;
    const cmd = validate(OrderBody, order, 'the request body is not valid');
    const principal = c.get('principal');
    let profile: SourcingProfile | undefined;
    if (draft !== undefined) {
      if (!can(principal, 'config')) throw new DomainError('forbidden', `a ${principal.role} key may not try a draft profile (needs config)`);
      profile = parseDraft(draft, (doc) => sourcing.profiles.parse(doc));
    }
    const preview = await previewSourcing(fulcrum, (problem) => sourcing.pool.solve(problem), cmd, {
      createdBy: principal.keyId,
      anyHold: can(principal, 'orders:read-any'),
      ...(principal.channels ? { sellsOn: principal.channels } : {}),
      ...(profile ? { profile } : {}),
    });
    return c.json(preview);
  });
  return app;
}

/** Parses a draft profile (id and version may be left out), reporting problems under `profile.`. */
function parseDraft(draft: unknown, parse: (doc: unknown) => SourcingProfile): SourcingProfile {
  const doc = typeof draft === 'object' && draft !== null && !Array.isArray(draft) ? { id: 'draft', version: 1, ...draft } : draft;
  try {
    return parse(doc);
  } catch (e) {
    if (!(e instanceof DomainError) || e.type !== 'invalid_request') throw e;
    const details = e.details.map((d) => ({ ...d, path: d.path ? `profile.${d.path}` : 'profile' }));
    throw new DomainError('invalid_request', `the draft profile is not valid: ${details[0]?.path ?? 'profile'}: ${details[0]?.message ?? e.message}`, details);
  }
}
