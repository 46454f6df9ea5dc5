import type { WorkflowRule } from '../rule.js';
import { raiseAlert, resolveAlerts } from './alerts.js';
import { awaitEvent, setAttribute, setStatus } from './context.js';
import { notifyOrder, releaseStock, shipStock } from './fulfilments.js';
import { allFulfilmentsAre, allLinesShipped, countryIn, deliveryTypeIs, eventIs, hasAttribute, nothingShipped, nothingWaiting, orderValueAbove, paysAtAllocation, shipsComplete } from './guards.js';
import { capturePayment, notifyCustomer, requestPayment, requestRefund, sendWebhook } from './messages.js';
import { createFulfilments, recordFulfilment, recordSourcing, release, reserve, sourceOrder } from './orders.js';
import {
  cancelTransfer, completeRefurbishment, inspectLines, needsAuthentication, placeExchange, receiveReturn, receiveTransfer, recordReceipt, refurbishmentDone, rejectReturn,
  requestReturnLabel, restock, returnInspected, routeReturn, shipTransfer,
} from './returns.js';
import { recordReason } from './reasons.js';
import { cancelTimer, startTimer, timerIs } from './timers.js';

/** Every built-in brick. */
export const BUILT_IN_RULES: ReadonlyArray<WorkflowRule> = [
  setStatus, setAttribute, awaitEvent, recordReason,
  startTimer, cancelTimer, timerIs,
  raiseAlert, resolveAlerts,
  sendWebhook, requestPayment, capturePayment, requestRefund, notifyCustomer,
  sourceOrder, reserve, release, createFulfilments, recordFulfilment, recordSourcing,
  notifyOrder, shipStock, releaseStock,
  recordReceipt, restock, routeReturn, requestReturnLabel, placeExchange, receiveReturn, inspectLines, completeRefurbishment, rejectReturn, shipTransfer, receiveTransfer, cancelTransfer,
  orderValueAbove, hasAttribute, deliveryTypeIs, countryIn, allLinesShipped, allFulfilmentsAre, nothingShipped, eventIs, nothingWaiting, shipsComplete, paysAtAllocation,
  returnInspected, refurbishmentDone, needsAuthentication,
];

export type { SlaTable } from './timers.js';
