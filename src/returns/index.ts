/** Returns: a return opened against the shipped units of an order, run by the active return workflow (receive, inspect, restock, refund). */
export { createReturn, shippedUnits, SHIPPED_STATUSES, type CreateReturn, type ReturnPorts } from './create-return.js';
export { Returns, RETURN_CANCELLED } from './returns.js';
