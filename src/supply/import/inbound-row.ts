import { isIsoTime, isText, isWhole, type RowColumns, type RowNote, type RowValues } from '../../bulk/index.js';
import { ID_PATTERN, ID_RULE } from '../../domain/ids.js';
import { INBOUND_KINDS, type InboundKind } from '../../domain/supply.js';

/** The most units one line may expect, as `PUT /inbound/:id` allows. */
const MAX_QTY = 10_000_000;
const DIGITS = /^\d{1,9}$/;

/** A row's columns: one PO line (`reference` may be left out). */
export const INBOUND_COLUMNS: RowColumns = {
  all: ['inbound', 'location', 'sku', 'qty', 'expectedAt', 'kind', 'reference'],
  required: ['inbound', 'location', 'sku', 'qty', 'expectedAt', 'kind'],
};

/** One line of an inbound, its shape checked: the inbound it belongs to, and the inbound's own fields. */
export interface InboundRow {
  /** The row's number in the load (its line in NDJSON and CSV), for reports. */
  row: number;
  inbound: string;
  location: string;
  sku: string;
  qty: number;
  expectedAt: string;
  kind: InboundKind;
  reference?: string;
}

/** An inbound row not loaded, with the inbound and SKU it names when it names them. */
export interface InboundRowNote extends RowNote {
  inbound?: string;
  sku?: string;
}

/**
 * Checks a row's values against the row contract (`{inbound, location, sku, qty, expectedAt, kind,
 * reference?}`) with the bounds of `PUT /inbound/:id`. In CSV (`textual`) every value is text, so `qty` is
 * read from its digits; in JSON it must be a number, as in the single endpoint. The first problem found is the
 * row's reason; whether the location and SKU exist, and whether a new inbound's date is past, is the upsert's
 * to check, in the step that applies it.
 */
export function shapeInboundRow(v: RowValues, row: number, textual: boolean): InboundRow | InboundRowNote {
  for (const key in v) {
    if (!INBOUND_COLUMNS.all.includes(key)) return problem(v, row, `unknown field '${key}'; a row has ${INBOUND_COLUMNS.all.join(', ')}`, key);
  }
  const { inbound, location, sku, expectedAt, kind, reference } = v;
  const qty = textual && typeof v.qty === 'string' && DIGITS.test(v.qty) ? Number(v.qty) : v.qty;
  if (!isId(inbound)) return problem(v, row, `must be an inbound id: ${ID_RULE}`, 'inbound');
  if (!isId(location)) return problem(v, row, `must be a location id: ${ID_RULE}`, 'location');
  if (!isId(sku)) return problem(v, row, `must be a SKU: ${ID_RULE}`, 'sku');
  if (!isWhole(qty, 1, MAX_QTY)) return problem(v, row, `must be a whole number from 1 to ${MAX_QTY}`, 'qty');
  if (!isIsoTime(expectedAt)) return problem(v, row, 'must be an ISO-8601 date-time with a zone, such as 2030-01-15T08:00:00Z', 'expectedAt');
  if (!INBOUND_KINDS.includes(kind as InboundKind)) return problem(v, row, `must be one of ${INBOUND_KINDS.join(', ')}`, 'kind');
  if (reference !== undefined && !isText(reference, 200)) return problem(v, row, 'must be text of 1-200 characters', 'reference');
  const r: InboundRow = { row, inbound, location, sku, qty, expectedAt, kind: kind as InboundKind };
  if (reference !== undefined) r.reference = reference;
  return r;
}

function isId(value: unknown): value is string {
  return typeof value === 'string' && ID_PATTERN.test(value);
}

function problem(v: RowValues, row: number, reason: string, path: string): InboundRowNote {
  const n: InboundRowNote = { row, reason, path };
  if (isId(v.inbound)) n.inbound = v.inbound;
  if (typeof v.sku === 'string') n.sku = v.sku;
  return n;
}
