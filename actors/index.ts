export {
  locationMachine,
  touchedSkus,
  type LocationContext,
  type LocationEmitted,
  type LocationEvent,
  type LocationInfo,
  type LocationInput,
  type LocationStatus,
} from './location.js';
export { orderMachine, type OrderContext, type OrderEffect, type OrderEvent, type OrderInput } from './order.js';
