/** Supply over time: inbound stock, supply rules, promises by date, waiting queues and allocation on arrival. */
export { SupplyRules, type SupplyRuleInput } from './rules.js';
export { ALLOCATION_BATCH, Supply, type Promisable, type SupplyPorts, type WaitingAsk, type WaitingPlan } from './supply.js';
export { cancelInbound, followTransfers, receiveInbound, upsertInbound, upsertInboundIn, type InboundInput, type InboundPorts, type ReceiptInput } from './inbound-commands.js';
export { inboundBatch } from './import/inbound-loader.js';
export type { InboundBatchReport } from './import/inbound-tally.js';
