/** Cart holds and purchase limits: stock kept for a shopper a while, and how much one customer may take. */
export { activeHold, holdView, placeHold, releaseHold, type HoldView, type PlaceHold } from './cart-holds.js';
export { Holds } from './holds.js';
export { upsertPurchaseLimit } from './limit-commands.js';
export { PurchaseLimits, type HoldPorts, type PurchaseLimit } from './purchase-limits.js';
