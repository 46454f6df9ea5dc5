import type { AlertContext } from '../../actors/index.js';
import { DomainError } from '../domain/errors.js';
import type { Engine } from './engine.js';
import { ALERT_MACHINE } from './machines.js';
import type { EntityEntry } from './registry.js';
import type { Committed, Step } from './step.js';

/** An alert as clients see it. */
export interface AlertView extends AlertContext {
  status: 'open' | 'acknowledged' | 'resolved';
}

/**
 * Open alerts by the entity they are about and their type, so a rule raising the same alert twice (an SLA
 * warning on every retry) yields one alert, and `resolveAlerts` finds what to close. Rebuilt at start from
 * the open alert entities.
 */
export class AlertBook {
  private readonly open = new Map<string, Map<string, string>>();

  /** The open alert of this type about this entity, if any. */
  find(entity: string, alert: string): string | undefined {
    return this.open.get(entity)?.get(alert);
  }

  /** Open alerts about an entity (optionally of one type). */
  about(entity: string, alert?: string): string[] {
    const byType = this.open.get(entity);
    if (!byType) return [];
    return alert === undefined ? [...byType.values()] : byType.has(alert) ? [byType.get(alert)!] : [];
  }

  add(ctx: AlertContext): void {
    let byType = this.open.get(ctx.entity);
    if (!byType) this.open.set(ctx.entity, (byType = new Map()));
    byType.set(ctx.alert, ctx.id);
  }

  remove(ctx: AlertContext): void {
    const byType = this.open.get(ctx.entity);
    if (byType?.get(ctx.alert) === ctx.id) byType.delete(ctx.alert);
    if (byType?.size === 0) this.open.delete(ctx.entity);
  }

  get size(): number {
    let n = 0;
    for (const m of this.open.values()) n += m.size;
    return n;
  }
}

const SEVERITY: Record<AlertContext['severity'], number> = { info: 0, warning: 1, critical: 2 };

/** Raises an alert inside a step (deduplicated while an alert of that type about that entity is open). */
export function raiseAlert(
  engine: Engine,
  step: Step,
  about: string,
  alert: { alert: string; severity: AlertContext['severity']; message: string; data?: unknown },
): string {
  const existing = engine.alerts.find(about, alert.alert);
  if (existing) {
    // The same alert again: one alert, escalated when the new severity is higher (an SLA warning, then its breach).
    const entry = engine.registry.entities('alert').get(existing);
    const current = (entry?.snapshot.context as AlertContext | undefined)?.severity;
    if (entry && current && SEVERITY[alert.severity] > SEVERITY[current]) {
      if (engine.send(step, entry, { type: 'alert.escalated', severity: alert.severity, message: alert.message, at: step.iso })) afterAlertChange(engine, step, entry);
    }
    return existing;
  }
  const id = engine.alertIds.next(step.at);
  const ctx: AlertContext = { id, alert: alert.alert, severity: alert.severity, message: alert.message, entity: about, createdAt: step.iso, updatedAt: step.iso };
  if (alert.data !== undefined) ctx.data = alert.data;
  engine.createEntity(step, 'alert', ALERT_MACHINE, 'open', ctx);
  engine.alerts.add(ctx);
  step.alerts.push(alertView(engine, id)!);
  return id;
}

/** Resolves open alerts about an entity inside a step. */
export function resolveAlerts(engine: Engine, step: Step, about: string, alert: string | undefined, by: string): void {
  for (const id of engine.alerts.about(about, alert)) {
    const entry = engine.registry.entities('alert').get(id);
    if (entry && engine.send(step, entry, { type: 'alert.resolved', by, at: step.iso })) afterAlertChange(engine, step, entry);
  }
}

/** Acknowledges or resolves an alert on an operator's request (`POST /alerts/:id/acknowledge|resolve`). */
export function changeAlert(engine: Engine, id: string, action: 'acknowledge' | 'resolve', by: string): Committed<AlertView> {
  return engine.run((step) => {
    const entry = engine.registry.entities('alert').get(id);
    const view = alertView(engine, id);
    if (!view) throw new DomainError('not_found', `no alert '${id}'`);
    const type = action === 'acknowledge' ? 'alert.acknowledged' : 'alert.resolved';
    if (!entry || !engine.send(step, entry, { type, by, at: step.iso })) {
      throw new DomainError('invalid_state', `alert ${id} is ${view.status} and cannot be ${action}d`, [{ message: 'accepted now', accepted: view.status === 'open' ? ['acknowledge', 'resolve'] : view.status === 'acknowledged' ? ['resolve'] : [] }]);
    }
    afterAlertChange(engine, step, entry);
    return alertView(engine, id)!;
  });
}

/** An alert as clients see it, open or resolved. */
export function alertView(engine: Engine, id: string): AlertView | undefined {
  const found = engine.entityState('alert', id);
  return found && { ...(found.state.context as AlertContext), status: found.state.value as AlertView['status'] };
}

/**
 * Lists alerts: open and acknowledged ones from memory, then resolved ones newest first (bounded): those
 * resolved since the last snapshot from memory too (until their snapshot lands they are in neither the
 * registry nor the store), the others from the store.
 */
export function listAlerts(engine: Engine, q: { status?: string; alert?: string; entity?: string; limit: number }): AlertView[] {
  const match = (a: AlertView) => (q.status === undefined || a.status === q.status) && (q.alert === undefined || a.alert === q.alert) && (q.entity === undefined || a.entity === q.entity);
  const open = engine.registry.entities('alert');
  const out: AlertView[] = [];
  for (const id of [...open.keys()].reverse()) {
    const a = alertView(engine, id)!;
    if (match(a)) out.push(a);
    if (out.length >= q.limit) return out;
  }
  if (q.status !== undefined && q.status !== 'resolved') return out;
  const resolved = new Map<string, AlertView>();
  for (const key of engine.passivating.keys()) {
    if (key.startsWith('alr:') && !open.has(key.slice(4))) resolved.set(key.slice(4), alertView(engine, key.slice(4))!);
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

function afterAlertChange(engine: Engine, step: Step, entry: EntityEntry): void {
  const ctx = entry.snapshot.context as AlertContext;
  if (entry.snapshot.value === 'resolved') engine.alerts.remove(ctx);
  step.alerts.push({ ...ctx, status: entry.snapshot.value as AlertView['status'] });
}
