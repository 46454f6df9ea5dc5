import type { PoolBuffers } from '../domain/availability.js';

/** Which locations a pool draws from: all active ones, named ones, or those carrying any of some tags. */
export type PoolSelector = { all: true } | { ids: string[] } | { tags: string[] };

/** A virtual pool (channel, market, region) as `PUT /pools/:id` defines it. */
export interface PoolDefinition extends PoolBuffers {
  id: string;
  name: string;
  channel?: string;
  locations: PoolSelector;
  /** Locations left out even when the selector picks them. */
  excludeLocations?: string[];
  /** Counting statuses (e.g. open_box) whose units this pool does not sell; sellable cannot be excluded. */
  excludeStatuses?: string[];
}

/** What pool membership needs to know of a location. */
export interface MemberCandidate {
  id: string;
  active: boolean;
  tags: ReadonlyArray<string>;
}

/** The pool every network has from the start: all active locations, no buffers. */
export const DEFAULT_POOL: PoolDefinition = { id: 'default', name: 'All active locations', locations: { all: true } };

/** Whether a location contributes to a pool. Only active locations contribute to any pool. */
export function isMember(pool: PoolDefinition, location: MemberCandidate): boolean {
  if (!location.active) return false;
  if (pool.excludeLocations?.includes(location.id)) return false;
  const sel = pool.locations;
  if ('all' in sel) return true;
  if ('ids' in sel) return sel.ids.includes(location.id);
  return sel.tags.some((t) => location.tags.includes(t));
}
