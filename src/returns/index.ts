/** Returns: a return opened against the shipped units of an order, run by the active return workflow (receive, inspect, restock, refund). */
export { shippedUnits } from './shipped.js';
export { createReturn, type CreateReturn, type ReturnLine, type ReturnPorts } from './create-return.js';
export { ReturnPolicies, type ReturnPolicy } from './policies.js';
export { sendReturnEvent } from './return-events.js';
export { Returns, RETURN_RELEASED } from './returns.js';
