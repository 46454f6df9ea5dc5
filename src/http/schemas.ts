import { z } from 'zod';
import { EVENT_PATTERN } from '../integrations/index.js';
import { ID_PATTERN, ID_RULE } from '../domain/ids.js';

/** Ids of locations, SKUs, pools: printable, no spaces or slashes, so they are safe in paths and keys. */
export const Id = z.string().regex(ID_PATTERN, ID_RULE);

const Country = z.string().regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 code in capitals, such as DE');
const Name = z.string().min(1).max(200);
const Count = z.number().int().min(0).max(1_000_000_000);
const Time = z.iso.datetime({ offset: true, error: 'must be an ISO-8601 date-time such as 2026-11-27T10:00:00Z' });

/**
 * A date-time that is stored and compared: any offset is accepted and kept as UTC (`...Z`), so that dates
 * compare as strings (a promise at 10:00+02:00 is before one at 09:00Z).
 */
export const Instant = Time.transform((s) => new Date(s).toISOString());

/** Free-form JSON (attributes, customer fields), bounded in depth and size so it stays cheap to store. */
const FreeForm = z.record(z.string().max(100), z.unknown()).refine((v) => withinBounds(v, 6, 200), {
  error: 'must be at most 6 levels deep with at most 200 values',
});

const Geo = z.strictObject({ lat: z.number().min(-90).max(90), lon: z.number().min(-180).max(180) });

const TimeZone = z.string().refine(isTimeZone, { error: 'must be an IANA time zone such as Europe/Berlin' });

export const LocationBody = z.strictObject({
  name: Name,
  type: z.string().min(1).max(50).default('warehouse'),
  geo: Geo,
  country: Country,
  capabilities: z.array(z.string().min(1).max(100)).max(100).default([]),
  capacity: z.strictObject({ maxOpenOrders: Count.optional(), dailyOrders: Count.optional() }).optional(),
  carrierCutoff: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM (24h)').optional(),
  timezone: TimeZone.optional(),
  tags: z.array(z.string().min(1).max(100)).max(100).default([]),
  status: z.enum(['active', 'paused', 'closed']).default('active'),
});

export const ProductBody = z.strictObject({
  name: Name,
  attributes: z
    .looseObject({
      weightKg: z.number().min(0).max(100_000).optional(),
      bulky: z.boolean().optional(),
      fragile: z.boolean().optional(),
      hazmat: z.boolean().optional(),
      restricted: z.array(z.string().min(1).max(100)).max(50).optional(),
      category: z.string().max(200).optional(),
      price: z.number().min(0).optional(),
    })
    .refine((v) => withinBounds(v, 6, 200), { error: 'must be at most 6 levels deep with at most 200 values' })
    .default({}),
});

export const StockCountBody = z.strictObject({
  onHand: Count,
  status: z.string().min(1).max(50).optional(),
  asOf: Time.optional(),
  /** When the counted units arrived (e.g. the WMS's lot dates): sets the position's arrival time. */
  receivedAt: Instant.optional(),
});

export const StockAdjustBody = z
  .strictObject({
    delta: z.number().int().min(-1_000_000_000).max(1_000_000_000),
    status: z.string().min(1).max(50).optional(),
    reason: z.string().min(1).max(200),
    /** The units added are a receipt that arrived then; without it, added units were found, not received. */
    receivedAt: Instant.optional(),
  })
  .refine((b) => b.receivedAt === undefined || b.delta > 0, { error: 'receivedAt marks units received: it goes with a positive delta', path: ['receivedAt'] });

export const StockMoveBody = z.strictObject({
  from: z.string().min(1).max(50),
  to: z.string().min(1).max(50),
  qty: z.number().int().min(1).max(1_000_000_000),
  reason: z.string().min(1).max(200),
});

export const StatusBody = z.strictObject({
  countsTowardAvailability: z.boolean(),
  description: z.string().max(500).optional(),
});

const Line = z.strictObject({ sku: Id, qty: z.number().int().min(1).max(1_000_000) });
const Money = z.number().min(0).max(1_000_000_000);
/** An order line may carry what the customer paid per unit (refunds are computed from it). */
const PricedLine = z.strictObject({ sku: Id, qty: z.number().int().min(1).max(1_000_000), unitPrice: Money.optional() });

const OrderFields = z.strictObject({
  ref: z.string().min(1).max(200).optional(),
  channel: z.string().min(1).max(100).optional(),
  pool: Id.optional(),
  customer: z.looseObject({ id: z.string().min(1).max(200) }).refine((v) => withinBounds(v, 6, 200), {
    error: 'must be at most 6 levels deep with at most 200 values',
  }),
  deliverTo: z.strictObject({ lat: z.number().min(-90).max(90), lon: z.number().min(-180).max(180), country: Country }),
  deliveryType: z.enum(['home', 'collect', 'express']).optional(),
  collectAt: Id.optional(),
  lines: z.array(PricedLine).min(1).max(500),
  currency: z.string().regex(/^[A-Z]{3}$/, { error: 'an ISO 4217 code such as EUR' }).optional(),
  shippingAmount: Money.optional(),
  split: z
    .strictObject({ allowed: z.boolean(), maxShipments: z.number().int().min(1).max(20).optional(), splitLines: z.boolean().optional() })
    .optional(),
  attributes: FreeForm.optional(),
  holdId: z.string().min(1).max(100).optional(),
  backorder: z.enum(['ship-available', 'ship-complete']).optional(),
});

/** The rules across an order's fields, for `POST /orders` and the sourcing preview alike. */
function orderRules(o: z.output<typeof OrderFields>, ctx: z.RefinementCtx): void {
  if (o.deliveryType === 'collect' && o.collectAt === undefined) {
    ctx.addIssue({ code: 'custom', path: ['collectAt'], message: 'is required when deliveryType is collect' });
  }
  const priced = o.shippingAmount !== undefined || o.lines.some((l) => l.unitPrice !== undefined);
  if (priced && o.currency === undefined) ctx.addIssue({ code: 'custom', path: ['currency'], message: 'is required with unitPrice or shippingAmount' });
  const prices = new Map<string, number | undefined>();
  o.lines.forEach((l, i) => {
    if (prices.has(l.sku) && prices.get(l.sku) !== l.unitPrice) ctx.addIssue({ code: 'custom', path: ['lines', i, 'unitPrice'], message: `differs from another line of ${l.sku}` });
    prices.set(l.sku, l.unitPrice);
  });
}

export const OrderBody = OrderFields.superRefine(orderRules).meta({ id: 'PlaceOrder' });

/** `POST /sourcing/preview`: an order, and optionally a draft sourcing profile to try (checked by the sourcing module). */
export const PreviewBody = OrderFields.extend({ profile: z.record(z.string(), z.unknown()).optional() }).superRefine(orderRules);

export const HoldBody = z.strictObject({
  pool: Id.optional(),
  lines: z.array(Line).min(1).max(500),
  ttlSeconds: z.number().int().min(1).max(86_400),
  customer: z.string().min(1).max(200).optional(),
});

export const OrderEventBody = z.looseObject({
  type: z.string().min(1).max(100),
  fulfilmentId: z.string().min(1).max(200).optional(),
}).refine((v) => withinBounds(v, 6, 200), { error: 'must be at most 6 levels deep with at most 200 values' });

/** Without `lines` the whole order is cancelled; with them, those units only (a SKU at most once). */
export const CancelBody = z
  .strictObject({ reason: z.string().min(1).max(500).optional(), lines: z.array(Line).min(1).max(500).optional() })
  .superRefine((b, ctx) => {
    const seen = new Set<string>();
    b.lines?.forEach((l, i) => {
      if (seen.has(l.sku)) ctx.addIssue({ code: 'custom', path: ['lines', i, 'sku'], message: `'${l.sku}' is named twice: give its total once` });
      seen.add(l.sku);
    });
  });

/** `PATCH /orders/:id`: a new destination or delivery type (collect is chosen at intake, not by an edit). */
export const OrderEditBody = z
  .strictObject({
    deliverTo: z.strictObject({ lat: z.number().min(-90).max(90), lon: z.number().min(-180).max(180), country: Country }).optional(),
    deliveryType: z.enum(['home', 'express']).optional(),
    reason: z.string().min(1).max(500).optional(),
  })
  .refine((b) => b.deliverTo !== undefined || b.deliveryType !== undefined, { error: 'give deliverTo, deliveryType, or both' });

/** A page of an entity's history (`GET /orders/:id/history`, ...). */
export const HistoryQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(500).default(100),
  cursor: z.string().min(1).max(40).optional(),
});

/** `GET /audit`: filters and paging, newest first. */
export const AuditQuery = z.strictObject({
  by: z.string().min(1).max(100).optional(),
  type: z.string().min(1).max(50).optional(),
  id: z.string().min(1).max(200).optional(),
  action: z.string().min(1).max(100).optional(),
  since: Time.optional(),
  until: Time.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  cursor: z.coerce.number().int().min(1).optional(),
});

export const PoolBody = z.strictObject({
  name: Name,
  channel: z.string().min(1).max(100).optional(),
  locations: z.union([
    z.array(Id).max(10_000).transform((ids) => ({ ids })),
    z.strictObject({ tags: z.array(z.string().min(1).max(100)).min(1).max(100) }),
    z.literal('all').transform(() => ({ all: true as const })),
  ]),
  excludeLocations: z.array(Id).max(10_000).optional(),
  excludeStatuses: z.array(z.string().min(1).max(50)).max(50).optional(),
  buffer: z
    .strictObject({ units: Count.optional(), percent: z.number().min(0).max(100).optional() })
    .refine((b) => (b.units === undefined) !== (b.percent === undefined), { error: 'give exactly one of units or percent' })
    .optional(),
  locationBuffers: z.record(Id, Count).optional(),
  skuBuffers: z.record(Id, Count).optional(),
});

export const ListOrdersQuery = z.strictObject({
  status: z.string().min(1).max(100).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().min(1).max(200).optional(),
});

export const WebhookBody = z.strictObject({
  url: z.url({ protocol: /^https?$/, error: 'must be an http or https URL' }).max(2048),
  events: z.array(z.string().regex(EVENT_PATTERN, "must be an event type such as order.shipped, a prefix such as order.*, or *")).min(1).max(100),
  secret: z.string().min(16, 'must be at least 16 characters').max(512),
  enabled: z.boolean().default(true),
});

export const DeadLettersQuery = z.strictObject({
  endpoint: Id.optional(),
  after: z.string().min(1).max(300).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** Whether a JSON value stays within a nesting depth and a number of values. */
export function withinBounds(value: unknown, maxDepth: number, maxValues: number): boolean {
  let count = 0;
  const walk = (v: unknown, depth: number): boolean => {
    if (++count > maxValues) return false;
    if (v === null || typeof v !== 'object') return true;
    if (depth >= maxDepth) return false;
    for (const child of Object.values(v)) if (!walk(child, depth + 1)) return false;
    return true;
  };
  return walk(value, 0);
}

/** `POST /ops/backups`: the directory on the server's disk to write the backup into. */
export const BackupBody = z.strictObject({
  to: z.string().min(1).max(4096).regex(/^[^\0]*$/, 'must not contain a NUL character'),
});
