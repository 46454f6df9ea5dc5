import type { AlertContext, AlertView } from '../domain/alert.js';
import { DomainError } from '../domain/errors.js';
import { ALERT_MACHINE, type Committed, type EntityEntry, type Step } from '../engine/index.js';
import type { AlertPorts } from './alert-book.js';
import { alertView } from './alert-views.js';

const SEVERITY: Record<AlertContext['severity'], number> = { info: 0, warning: 1, critical: 2 };

/** Raises an alert inside a step (deduplicated while an alert of that type about that entity is open). */
export function raiseAlert(
  ports: AlertPorts,
  step: Step,
  about: string,
  alert: { alert: string; severity: AlertContext['severity']; message: string; data?: unknown },
): string {
  const { engine, alerts } = ports;
  const existing = alerts.book.find(about, alert.alert);
  if (existing) {
    // The same alert again: one alert, escalated when the new severity is higher (an SLA warning, then its breach).
    const entry = engine.registry.entities('alert').get(existing);
    const current = (entry?.snapshot.context as AlertContext | undefined)?.severity;
    if (entry && current && SEVERITY[alert.severity] > SEVERITY[current]) {
      if (engine.send(step, entry, { type: 'alert.escalated', severity: alert.severity, message: alert.message, at: step.iso })) afterAlertChange(ports, step, entry);
    }
    return existing;
  }
  const id = engine.ids.next('alert', step.at);
  const ctx: AlertContext = { id, alert: alert.alert, severity: alert.severity, message: alert.message, entity: about, createdAt: step.iso, updatedAt: step.iso };
  if (alert.data !== undefined) ctx.data = alert.data;
  engine.createEntity(step, 'alert', ALERT_MACHINE, 'open', ctx);
  alerts.book.add(ctx);
  step.alerts.push(alertView(ports, id)!);
  return id;
}

/** Resolves open alerts about an entity inside a step. */
export function resolveAlerts(ports: AlertPorts, step: Step, about: string, alert: string | undefined, by: string): void {
  const { engine, alerts } = ports;
  for (const id of alerts.book.about(about, alert)) {
    const entry = engine.registry.entities('alert').get(id);
    if (entry && engine.send(step, entry, { type: 'alert.resolved', by, at: step.iso })) afterAlertChange(ports, step, entry);
  }
}

/** Acknowledges or resolves an alert on an operator's request (`POST /alerts/:id/acknowledge|resolve`). */
export function changeAlert(ports: AlertPorts, id: string, action: 'acknowledge' | 'resolve', by: string): Committed<AlertView> {
  const { engine } = ports;
  return engine.run((step) => {
    const entry = engine.registry.entities('alert').get(id);
    const view = alertView(ports, id);
    if (!view) throw new DomainError('not_found', `no alert '${id}'`);
    const type = action === 'acknowledge' ? 'alert.acknowledged' : 'alert.resolved';
    if (!entry || !engine.send(step, entry, { type, by, at: step.iso })) {
      throw new DomainError('invalid_state', `alert ${id} is ${view.status} and cannot be ${action}d`, [{ message: 'accepted now', accepted: view.status === 'open' ? ['acknowledge', 'resolve'] : view.status === 'acknowledged' ? ['resolve'] : [] }]);
    }
    afterAlertChange(ports, step, entry);
    return alertView(ports, id)!;
  });
}

/** Keeps the book and the step's published alerts current after an alert changed. */
export function afterAlertChange({ alerts }: AlertPorts, step: Step, entry: EntityEntry): void {
  const ctx = entry.snapshot.context as AlertContext;
  if (entry.snapshot.value === 'resolved') alerts.book.remove(ctx);
  step.alerts.push({ ...ctx, status: entry.snapshot.value as AlertView['status'] });
}
