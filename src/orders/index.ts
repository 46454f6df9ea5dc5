/** Orders: intake, events from other systems, cancellation (whole or some lines), edits, views, listing, and sourcing previews. */
export { cancelOrderLines } from './cancel-lines.js';
export { editOrder, type OrderEditRequest } from './edit-order.js';
export { cancelOrder, sendEntityEvent, sendOrderEvent } from './order-events.js';
export { listOrders, type ListOrdersQuery, type OrderPage } from './order-listing.js';
export { orderView, statusOf, type OrderView } from './order-view.js';
export { Orders, type OrderCounters, type OrderPorts } from './orders.js';
export { checkReferences, placeOrder, placeOrderIn, placeOrderPooled, splitPolicy, type PlaceOrder, type PlaceOrderOptions } from './place-order.js';
export { previewSourcing, type PreviewOptions, type SourcingPreview } from './preview-sourcing.js';
