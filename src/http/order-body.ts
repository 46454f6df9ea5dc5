import type { z } from 'zod';
import { ID_PATTERN } from '../domain/ids.js';
import { validate } from './body.js';
import { OrderBody, withinBounds } from './schemas.js';

export type OrderCommand = z.output<typeof OrderBody>;

/**
 * `POST /orders`'s body, validated. Zod's `OrderBody` is the contract (and the OpenAPI document's schema), but
 * walking it costs ~13 µs of the ~110 µs the HTTP stack spends per order, so a body is first checked by hand:
 * when every field is certainly valid, the command is built here exactly as zod builds it (fields in the
 * schema's order, the customer's and attributes' extra values shared, not copied). Anything the hand check
 * is not sure of (a wrong type, a bound crossed or approached where zod counts code points, an unknown or
 * `__proto__` key, a cross-field rule broken) goes to zod, which produces the 400 and its details as before.
 * `test/http/order-body.test.ts` checks against zod that an accepted body yields zod's own output.
 */
export function orderCommand(value: unknown): OrderCommand {
  return acceptOrder(value) ?? validate(OrderBody, value, 'the request body is not valid');
}

/** The command when `value` is certainly a valid order, else undefined (zod decides). */
export function acceptOrder(value: unknown): OrderCommand | undefined {
  if (!isRecord(value)) return undefined;
  let ref: string | undefined, channel: string | undefined, pool: string | undefined, customer: Record<string, unknown> | undefined;
  let deliverTo: OrderCommand['deliverTo'] | undefined, deliveryType: OrderCommand['deliveryType'], collectAt: string | undefined;
  let lines: OrderCommand['lines'] | undefined, currency: string | undefined, shippingAmount: number | undefined;
  let split: OrderCommand['split'], attributes: Record<string, unknown> | undefined, holdId: string | undefined, backorder: OrderCommand['backorder'];
  let priced = false;
  for (const key in value) {
    const v = value[key];
    switch (key) {
      case 'ref':
        if (!text(v, 200)) return undefined;
        ref = v;
        break;
      case 'channel':
        if (!text(v, 100)) return undefined;
        channel = v;
        break;
      case 'pool':
        if (!id(v)) return undefined;
        pool = v;
        break;
      case 'customer':
        if (!(customer = customerOf(v))) return undefined;
        break;
      case 'deliverTo':
        if (!(deliverTo = destination(v))) return undefined;
        break;
      case 'deliveryType':
        if (v !== 'home' && v !== 'collect' && v !== 'express') return undefined;
        deliveryType = v;
        break;
      case 'collectAt':
        if (!id(v)) return undefined;
        collectAt = v;
        break;
      case 'lines': {
        const checked = orderLines(v);
        if (!checked) return undefined;
        lines = checked.lines;
        priced ||= checked.priced;
        break;
      }
      case 'currency':
        if (typeof v !== 'string' || !CURRENCY.test(v)) return undefined;
        currency = v;
        break;
      case 'shippingAmount':
        if (!money(v)) return undefined;
        shippingAmount = v;
        priced = true;
        break;
      case 'split':
        if (!(split = splitOf(v))) return undefined;
        break;
      case 'attributes':
        if (!(attributes = freeForm(v))) return undefined;
        break;
      case 'holdId':
        if (!text(v, 100)) return undefined;
        holdId = v;
        break;
      case 'backorder':
        if (v !== 'ship-available' && v !== 'ship-complete') return undefined;
        backorder = v;
        break;
      default:
        return undefined;
    }
  }
  if (!customer || !deliverTo || !lines) return undefined;
  // The cross-field rules (`orderRules`): any of them broken is zod's to report.
  if (deliveryType === 'collect' && collectAt === undefined) return undefined;
  if (priced && currency === undefined) return undefined;
  const out = {} as OrderCommand;
  if (ref !== undefined) out.ref = ref;
  if (channel !== undefined) out.channel = channel;
  if (pool !== undefined) out.pool = pool;
  out.customer = customer as OrderCommand['customer'];
  out.deliverTo = deliverTo;
  if (deliveryType !== undefined) out.deliveryType = deliveryType;
  if (collectAt !== undefined) out.collectAt = collectAt;
  out.lines = lines;
  if (currency !== undefined) out.currency = currency;
  if (shippingAmount !== undefined) out.shippingAmount = shippingAmount;
  if (split !== undefined) out.split = split;
  if (attributes !== undefined) out.attributes = attributes;
  if (holdId !== undefined) out.holdId = holdId;
  if (backorder !== undefined) out.backorder = backorder;
  return out;
}

const COUNTRY = /^[A-Z]{2}$/;
const CURRENCY = /^[A-Z]{3}$/;
const BOUNDS = { depth: 6, values: 200 };

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * A string of 1 to `max` characters. Zod counts code points: any non-empty string has at least one, and one
 * of at most `max` UTF-16 units has at most `max`; a longer one may still fit, which zod decides.
 */
function text(v: unknown, max: number): v is string {
  return typeof v === 'string' && v.length >= 1 && v.length <= max;
}

function id(v: unknown): v is string {
  return typeof v === 'string' && ID_PATTERN.test(v);
}

function money(v: unknown): v is number {
  return typeof v === 'number' && v >= 0 && v <= 1_000_000_000;
}

function integer(v: unknown, min: number, max: number): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;
}

function coordinate(v: unknown, limit: number): v is number {
  return typeof v === 'number' && v >= -limit && v <= limit;
}

/** The customer (`looseObject`): `id` first, then its other fields in the order given, values shared. */
function customerOf(v: unknown): Record<string, unknown> | undefined {
  if (!isRecord(v) || !text(v.id, 200) || !withinBounds(v, BOUNDS.depth, BOUNDS.values)) return undefined;
  const out: Record<string, unknown> = { id: v.id };
  for (const key in v) {
    if (key === '__proto__') return undefined;
    if (key !== 'id') out[key] = v[key];
  }
  return out;
}

function destination(v: unknown): OrderCommand['deliverTo'] | undefined {
  if (!isRecord(v)) return undefined;
  let n = 0;
  for (const key in v) {
    if (key !== 'lat' && key !== 'lon' && key !== 'country') return undefined;
    n++;
  }
  const { lat, lon, country } = v;
  if (n !== 3 || !coordinate(lat, 90) || !coordinate(lon, 180) || typeof country !== 'string' || !COUNTRY.test(country)) return undefined;
  return { lat, lon, country };
}

/** The lines, each `{sku, qty, unitPrice?}`; a SKU on several lines must have one price (or none) on all. */
function orderLines(v: unknown): { lines: OrderCommand['lines']; priced: boolean } | undefined {
  if (!Array.isArray(v) || v.length < 1 || v.length > 500) return undefined;
  const lines: OrderCommand['lines'] = new Array(v.length);
  let priced = false;
  for (let i = 0; i < v.length; i++) {
    const l: unknown = v[i];
    if (!isRecord(l)) return undefined;
    let n = 0;
    for (const key in l) {
      if (key !== 'sku' && key !== 'qty' && key !== 'unitPrice') return undefined;
      n++;
    }
    const { sku, qty, unitPrice } = l;
    if (!id(sku) || !integer(qty, 1, 1_000_000)) return undefined;
    if (unitPrice === undefined) {
      if (n !== 2) return undefined;
      lines[i] = { sku, qty };
    } else {
      if (!money(unitPrice)) return undefined;
      priced = true;
      lines[i] = { sku, qty, unitPrice };
    }
    for (let j = 0; j < i; j++) if (lines[j]!.sku === sku && lines[j]!.unitPrice !== lines[i]!.unitPrice) return undefined;
  }
  return { lines, priced };
}

function splitOf(v: unknown): OrderCommand['split'] | undefined {
  if (!isRecord(v)) return undefined;
  for (const key in v) if (key !== 'allowed' && key !== 'maxShipments' && key !== 'splitLines') return undefined;
  const { allowed, maxShipments, splitLines } = v;
  if (typeof allowed !== 'boolean') return undefined;
  if (maxShipments !== undefined && !integer(maxShipments, 1, 20)) return undefined;
  if (splitLines !== undefined && typeof splitLines !== 'boolean') return undefined;
  const out: NonNullable<OrderCommand['split']> = { allowed };
  if (maxShipments !== undefined) out.maxShipments = maxShipments;
  if (splitLines !== undefined) out.splitLines = splitLines;
  return out;
}

/** Free-form attributes (`z.record`): a copy with the same keys in the same order, values shared. */
function freeForm(v: unknown): Record<string, unknown> | undefined {
  if (!isRecord(v) || !withinBounds(v, BOUNDS.depth, BOUNDS.values)) return undefined;
  const out: Record<string, unknown> = {};
  for (const key in v) {
    if (key === '__proto__' || key.length > 100) return undefined;
    out[key] = v[key];
  }
  return out;
}
