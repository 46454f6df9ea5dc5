/** Alerts: raised by workflows, SLA timers and stock counts; acknowledged and resolved by operators. */
export type { AlertView } from '../domain/alert.js';
export { AlertBook, type AlertPorts } from './alert-book.js';
export { alertView, listAlerts } from './alert-views.js';
export { Alerts } from './alerts.js';
export { changeAlert, raiseAlert, resolveAlerts } from './alert-commands.js';
