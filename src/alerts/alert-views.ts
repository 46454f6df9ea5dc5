import type { AlertContext, AlertView } from '../domain/alert.js';
import type { AlertPorts } from './alert-book.js';

/** An alert as clients see it, open or resolved. */
export function alertView({ engine }: AlertPorts, id: string): AlertView | undefined {
  const found = engine.entityState('alert', id);
  return found && { ...(found.state.context as AlertContext), status: found.state.value as AlertView['status'] };
}

/**
 * Lists alerts: open and acknowledged ones from memory, then resolved ones newest first (bounded): those
 * resolved since the last snapshot from memory too (until their snapshot lands they are in neither the
 * registry nor the store), the others from the store.
 */
export function listAlerts(ports: AlertPorts, q: { status?: string; alert?: string; entity?: string; limit: number }): AlertView[] {
  const { engine } = ports;
  const match = (a: AlertView) => (q.status === undefined || a.status === q.status) && (q.alert === undefined || a.alert === q.alert) && (q.entity === undefined || a.entity === q.entity);
  const open = engine.registry.entities('alert');
  const out: AlertView[] = [];
  for (const id of [...open.keys()].reverse()) {
    const a = alertView(ports, id)!;
    if (match(a)) out.push(a);
    if (out.length >= q.limit) return out;
  }
  if (q.status !== undefined && q.status !== 'resolved') return out;
  const resolved = new Map<string, AlertView>();
  for (const key of engine.passivating.keys()) {
    if (key.startsWith('alr:') && !open.has(key.slice(4))) resolved.set(key.slice(4), alertView(ports, key.slice(4))!);
  }
  const want = q.limit - out.length;
  let scanned = 0;
  let stored = 0;
  for (const { key, value } of engine.store.actors.getRange({ start: 'alr;', end: 'alr:', reverse: true })) {
    if (++scanned > 5000 || stored >= want) break;
    const id = key.slice(4);
    if (open.has(id) || resolved.has(id)) continue;
    const s = value.snapshot as { value: string; context: AlertContext };
    const a = { ...s.context, status: s.value as AlertView['status'] };
    if (!match(a)) continue;
    resolved.set(id, a);
    stored++;
  }
  for (const id of [...resolved.keys()].sort().reverse()) {
    const a = resolved.get(id)!;
    if (!match(a)) continue;
    out.push(a);
    if (out.length >= q.limit) break;
  }
  return out;
}
