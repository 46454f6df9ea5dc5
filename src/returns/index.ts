/** Returns: a return opened against an order, run by the active return workflow (receive, inspect, restock, refund). */
export { createReturn, type CreateReturn } from './create-return.js';
