export {
  locationMachine,
  reserveDirect,
  touchedSkus,
  type LocationContext,
  type LocationEmitted,
  type LocationEvent,
  type LocationInfo,
  type LocationInput,
  type LocationSnapshot,
  type LocationStatus,
  type ReservationLine,
  type StockLoadRow,
} from './location.js';
export { orderMachine, type OrderContext, type OrderEffect, type OrderEvent, type OrderInput } from './order.js';
export { holdMachine, type HoldContext, type HoldEffect, type HoldEvent } from './hold.js';
export { alertMachine, type AlertContext, type AlertEvent } from './alert.js';
export { inboundMachine, type InboundEffect, type InboundEvent } from './inbound.js';
