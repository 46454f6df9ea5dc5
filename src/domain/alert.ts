/** Something an operator should look at: raised by a workflow rule, an SLA breach or a count below reservations. */
export interface AlertContext {
  id: string;
  /** The alert's type, e.g. `pick-late`, `fraud-check-late`, `stock-short`. */
  alert: string;
  severity: 'info' | 'warning' | 'critical';
  message: string;
  /** The entity it is about, e.g. `order/ord_...`, `location/WH-BER`. */
  entity: string;
  data?: unknown;
  createdAt: string;
  updatedAt: string;
  acknowledgedBy?: string;
  resolvedBy?: string;
}

/** An alert as clients see it. */
export interface AlertView extends AlertContext {
  status: 'open' | 'acknowledged' | 'resolved';
}
