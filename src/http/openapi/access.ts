/** How a route is protected, as the OpenAPI document shows it: the bearer key, the roles it allows, the refusals. */
import { ROLES, rolesWith, type Permission } from '../../auth/index.js';
import type { ErrorType } from '../../domain/errors.js';
import { errorReplies } from './describe.js';

/** The security scheme every authenticated route names. */
export const BEARER_KEY = 'apiKey';

/** The fragment of a route any valid key may call (what it sees may still depend on the key's role). */
export function anyKeyDoc(): Record<string, unknown> {
  return { security: [{ [BEARER_KEY]: [] }], 'x-roles': [...ROLES], responses: errorReplies(['unauthorized', 'rate_limited', 'unavailable']) };
}

/**
 * The fragment `allow(permission)` adds to its route: the bearer key, the roles that hold the permission
 * (`x-roles`, also written into the description), and what authentication, rate limits and load shedding
 * answer before the handler runs.
 */
export function accessDoc(permission: Permission): Record<string, unknown> {
  const roles = rolesWith(permission);
  const refusals: ErrorType[] = ['unauthorized', 'rate_limited', 'unavailable'];
  if (roles.length < ROLES.length) refusals.push('forbidden');
  return { security: [{ [BEARER_KEY]: [] }], 'x-roles': roles, 'x-permission': permission, responses: errorReplies(refusals) };
}
