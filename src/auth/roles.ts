/** The roles API keys have, and what each may do; routes name the permission they need. */
export type Role = 'admin' | 'ops' | 'storefront' | 'publishable';

/** What a request may do; each route names the one it needs. */
export type Permission =
  | 'config'
  | 'network:read'
  | 'inventory:read'
  | 'inventory:write'
  | 'availability:read'
  | 'orders:create'
  | 'orders:read'
  | 'orders:read-any'
  | 'orders:write'
  | 'metrics'
  | 'holds'
  | 'feed'
  | 'backups';

const ROLE_PERMISSIONS: Record<Role, ReadonlySet<Permission>> = {
  admin: new Set<Permission>([
    'config', 'network:read', 'inventory:read', 'inventory:write', 'availability:read',
    'orders:create', 'orders:read', 'orders:read-any', 'orders:write', 'metrics', 'holds', 'feed', 'backups',
  ]),
  ops: new Set<Permission>([
    'network:read', 'inventory:read', 'inventory:write', 'availability:read',
    'orders:create', 'orders:read', 'orders:read-any', 'orders:write', 'metrics', 'holds', 'feed',
  ]),
  // A storefront creates orders and holds and reads its own, reads availability and subscribes to the feed.
  storefront: new Set<Permission>(['network:read', 'availability:read', 'orders:create', 'orders:read', 'holds', 'feed']),
  // A publishable key sits in a web page's source, where anyone can read it: like a payment provider's
  // publishable key it may only read availability and watch the feed, never place or read an order.
  publishable: new Set<Permission>(['availability:read', 'feed']),
};

/** Roles whose keys may be bound to channels; admin and ops keys stay unrestricted. */
export const BINDABLE_ROLES: ReadonlyArray<Role> = ['storefront', 'publishable'];

export const ROLES = Object.keys(ROLE_PERMISSIONS) as Role[];

/** The roles that grant a permission (the API description lists them on each route). */
export function rolesWith(permission: Permission): Role[] {
  return ROLES.filter((role) => ROLE_PERMISSIONS[role].has(permission));
}

/** An authenticated caller: the key's id (a hash prefix, safe to store and show) and its role. */
export interface Principal {
  keyId: string;
  role: Role;
  /** The channels a bound key may sell on (orders, holds, previews); absent when it may sell on any. */
  channels?: readonly string[];
}

/** Everything a role may do, for a client deciding what to offer (the console hides the rest). */
export function permissionsOf(role: Role): Permission[] {
  return [...ROLE_PERMISSIONS[role]];
}

/** Whether a role grants a permission. */
export function can(principal: Principal, permission: Permission): boolean {
  return ROLE_PERMISSIONS[principal.role].has(permission);
}
