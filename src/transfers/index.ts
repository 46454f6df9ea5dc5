/** Transfers: stock moved between locations, reserved at the source and run by the active transfer workflow. */
export { createTransfer, TRANSFER_DAYS, type CreateTransfer } from './create-transfer.js';
