/** Transfers: stock moved between locations, reserved at the source and run by the active transfer workflow. */
export { createTransfer, createTransferIn, TRANSFER_DAYS, type CreateTransfer } from './create-transfer.js';
