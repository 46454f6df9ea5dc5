import type { AlertContext } from '../domain/alert.js';
import type { Engine } from '../engine/index.js';

/** What the alert commands read and change: the engine, and the book of open alerts. */
export interface AlertPorts {
  readonly engine: Engine;
  readonly alerts: { readonly book: AlertBook };
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
