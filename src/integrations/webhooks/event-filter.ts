/**
 * Which event types an endpoint receives. A pattern is an exact type (`order.shipped`), a prefix ending in
 * `.*` that takes every type below it at any depth (`order.*` takes `order.shipped` and `order.line.cut`,
 * not `orders.x` or `order` itself), or `*` for everything.
 */
export const EVENT_PATTERN = /^(\*|[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*(\.\*)?)$/;

/** Whether an event type is wanted. */
export type EventFilter = (type: string) => boolean;

/** Compiles patterns once, so matching an event against an endpoint is a set lookup and a few prefix checks. */
export function compileEventFilter(patterns: readonly string[]): EventFilter {
  const exact = new Set<string>();
  const prefixes: string[] = [];
  for (const p of patterns) {
    if (!EVENT_PATTERN.test(p)) throw new Error(`event pattern '${p}' is not valid: use an event type, 'prefix.*' or '*'`);
    if (p === '*') return () => true;
    if (p.endsWith('.*')) prefixes.push(p.slice(0, -1));
    else exact.add(p);
  }
  return (type) => exact.has(type) || prefixes.some((prefix) => type.startsWith(prefix));
}
