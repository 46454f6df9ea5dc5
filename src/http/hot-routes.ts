import type { Hono } from 'hono';

/**
 * The static paths that take most requests. Hono matches every request with its trie router (9 of our
 * route shapes keep it off the RegExpRouter, and the URLs are a public contract), 3-4 µs per request in the
 * profile; the handlers a (method, path) matches are fixed once the app's routes are, so these answer with
 * the result the router gave at start. Exact strings only: `/orders/`, `/Orders`, another method, go to the
 * router as before.
 */
export const HOT_ROUTES: readonly (readonly [method: string, path: string])[] = [
  ['POST', '/orders'],
  ['GET', '/availability'],
];

type Match = (method: string, path: string) => unknown;

/**
 * Puts the hot routes' match results before the app's router. Call once every route is added: the first
 * match makes hono's SmartRouter pick its router, after which it takes no more routes (it throws), so the
 * results kept here cannot go stale.
 */
export function matchHotRoutesFirst(app: Hono<any>): void {
  const router = app.router as unknown as { match: Match };
  router.match('GET', '/'); // SmartRouter picks its router here and puts that router's match in its place
  const inner: Match = router.match;
  const byPath = new Map<string, Map<string, unknown>>();
  for (const [method, path] of HOT_ROUTES) {
    let byMethod = byPath.get(path);
    if (byMethod === undefined) byPath.set(path, (byMethod = new Map()));
    byMethod.set(method, inner(method, path));
  }
  router.match = (method, path) => byPath.get(path)?.get(method) ?? inner(method, path);
}
