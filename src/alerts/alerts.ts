import type { AlertContext } from '../domain/alert.js';
import type { Engine } from '../engine/index.js';
import { AlertBook, type AlertPorts } from './alert-book.js';
import { raiseAlert, resolveAlerts } from './alert-commands.js';

/**
 * The alerts module. Alerts are entities (`actors/alert.ts`); this keeps the book of open ones and registers
 * with the engine: workflow effects raise and resolve alerts, a count that left reservations without stock
 * raises a critical alert in the same step, and recovery rebuilds the book from the open alert entities.
 */
export class Alerts {
  readonly book = new AlertBook();

  constructor(engine: Engine) {
    const ports: AlertPorts = { engine, alerts: this };
    engine.handleEffect('alert.raise', (step, from, effect) => void raiseAlert(ports, step, `${from.kind}/${from.id}`, effect));
    engine.handleEffect('alert.resolve', (step, from, effect) => resolveAlerts(ports, step, `${from.kind}/${from.id}`, effect.alert, 'workflow'));
    // A count below what is reserved (a WMS says there are fewer units than orders hold) needs a person:
    // raise it as an alert about the position, in the same step as the count.
    engine.onStepEnd((step) => {
      for (const sig of step.signals) {
        raiseAlert(ports, step, `position/${sig.location}/${sig.sku}`, {
          alert: 'stock-below-reserved',
          severity: 'critical',
          message: `${sig.sku} at ${sig.location}: a count left ${sig.shortBy} reserved unit(s) without stock; re-source or cancel the orders holding them`,
          data: { sku: sig.sku, shortBy: sig.shortBy },
        });
      }
    });
    engine.onRecovered(() => {
      for (const entry of engine.registry.entities('alert').values()) {
        if (entry.snapshot.value !== 'resolved') this.book.add(entry.snapshot.context as AlertContext);
      }
    });
  }
}
