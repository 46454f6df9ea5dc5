import { z } from 'zod';
import { isTimeZone } from './local-time.js';
import { lookAheadSchema } from './look-ahead/config.js';

/**
 * Product attributes a profile can refer to: the boolean flags, or a regulated category as
 * `restricted:<tag>` (e.g. `restricted:alcohol`). A closed vocabulary, so a typo such as `fragil` is
 * rejected instead of silently disabling a safety filter.
 */
export const attributeKeySchema = z
  .string()
  .regex(/^(fragile|bulky|hazmat|restricted:[a-z0-9][a-z0-9_-]*)$/, 'must be fragile, bulky, hazmat or restricted:<tag>');

const countryCode = z.string().regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 code such as DE');
const label = z.string().min(1, 'must not be empty').max(100, 'must be at most 100 characters');
const weight = z.number().min(0, 'must be >= 0');
const pluginRef = z.string().regex(/^[a-z][a-z0-9-]*\/[A-Za-z][A-Za-z0-9_-]*$/, 'must be <plugin>/<name>');

const conditionsSchema = z
  .strictObject({
    channels: z.array(label).min(1).optional(),
    deliveryTypes: z.array(label).min(1).optional(),
    orderValue: z.strictObject({ min: weight.optional(), max: weight.optional() }).optional(),
    destinationCountries: z.array(countryCode).min(1).optional(),
    /** Every listed attribute must be present on at least one line. */
    attributesPresent: z.array(attributeKeySchema).min(1).optional(),
    plugins: z.array(pluginRef).optional(),
  })
  .refine((c) => c.orderValue?.min === undefined || c.orderValue.max === undefined || c.orderValue.min <= c.orderValue.max, {
    message: 'min must be <= max',
    path: ['orderValue'],
  });

const filtersSchema = z.strictObject({
  statuses: z.array(label).min(1).default(['active']),
  /** Require the capabilities `attributeCapabilities` maps the order's product attributes to. */
  capabilities: z.boolean().default(true),
  /** Require the profile's `internationalCapability` to ship to another country. */
  international: z.boolean().default(true),
  capacity: z.boolean().default(true),
  carrierCutoff: z
    .union([z.literal(false), z.strictObject({ deliveryTypes: z.array(label).min(1) })])
    .default({ deliveryTypes: ['express'] }),
  maxDistanceKm: z.number().positive('must be > 0').optional(),
  /**
   * Consider only the `nearest` locations (by distance to the destination) that pass every other filter and
   * hold a line, plus the nearest one that can ship the whole order if none of those can: a store network of
   * thousands is then priced on the stores that could sensibly ship, and an order's cost does not grow with
   * the network. `false` considers every location.
   */
  nearest: z.union([z.literal(false), z.int().min(1, 'must be >= 1').max(100_000, "must be at most 100,000")]).default(20),
  plugins: z.array(pluginRef).default([]),
});

const costsSchema = z.strictObject({
  /** Shipping per unit = shippingPerKgKm x distance x weight (x bulkyMultiplier for bulky items). */
  shippingPerKgKm: weight.default(0.002),
  bulkyMultiplier: z.number().min(1, 'must be >= 1').default(3),
  fixedPerShipment: weight.default(5),
  /**
   * Per unit: weight x (1 - ageDays / horizonDays), floored at 0: older stock is cheaper to ship, so with a
   * weight the oldest stock ships first, all else equal. `ageDays` is days since the position's units arrived
   * (their receipts' units-weighted average). A position of unknown age counts as the mean known age among
   * the line's candidates (neither oldest nor newest); with no age known for a line the term is 0 everywhere.
   */
  inventoryAge: z.strictObject({ weight, horizonDays: z.number().positive('must be > 0') }).default({ weight: 0.2, horizonDays: 180 }),
  /** Per unit: weight x units sold per day there: keep stock where it sells. */
  sellThrough: z.strictObject({ weight }).default({ weight: 0.1 }),
  /**
   * Per unit, `deep`: weight x (1 - available / most available among candidates); `balance`:
   * weight x max(0, 1 - available / mean available): do not drain thin locations.
   */
  stockLevel: z.strictObject({ weight, mode: z.enum(['deep', 'balance']) }).default({ weight: 0.3, mode: 'deep' }),
  /** Per unit: weight x the unit's selling price there (markdown price if any): ship the cheapest units. */
  markdown: z.strictObject({ weight }).default({ weight: 0.01 }),
  /** Per shipment: weight x the location's load (share of its open-order or daily limit used). */
  locationLoad: z.strictObject({ weight }).default({ weight: 2 }),
  /** Weights of plugin cost terms, by `<plugin>/<term>`. */
  plugins: z.record(pluginRef, weight).default({}),
  /** Per unit: the unit's future value at the location (look-ahead/config.ts); absent: off. */
  lookAhead: lookAheadSchema.optional(),
});

const splitSchema = z.discriminatedUnion('policy', [
  z.strictObject({ policy: z.literal('forbid') }),
  z.strictObject({
    policy: z.literal('allow'),
    maxShipments: z.int().min(1, 'must be >= 1').max(10, 'must be <= 10'),
    splitLines: z.boolean(),
  }),
]);

const leadDays = z.number().min(0, 'must be >= 0').max(365, 'must be at most 365 days');

/**
 * Transfers the strategy may choose over a split (present: allowed): move what one location lacks to it
 * from others, and ship one parcel from there, when that costs less than the split (the transfer priced per
 * unit, by lane or by default); an order for collection at a store that lacks units may be met this way.
 */
const transfersSchema = z.strictObject({
  costPerUnit: weight.default(1),
  leadDays: leadDays.default(2),
  lanes: z
    .array(z.strictObject({ from: label, to: label, costPerUnit: weight.optional(), leadDays: leadDays.optional() }))
    .max(100_000)
    .default([]),
});

const strategySchema = z.strictObject({
  id: label,
  when: conditionsSchema.prefault({}),
  filters: filtersSchema.prefault({}),
  costs: costsSchema.prefault({}),
  split: splitSchema.default({ policy: 'allow', maxShipments: 3, splitLines: true }),
  transfers: transfersSchema.optional(),
});

/** The stored, user-editable form of a sourcing profile. Unknown keys are errors. */
export const sourcingProfileSchema = z
  .strictObject({
    id: label,
    version: z.int().min(1, 'must be >= 1'),
    /** Time zone of locations that do not declare one. */
    timezone: z.string().refine(isTimeZone, 'must be an IANA time zone such as Europe/Berlin').default('UTC'),
    defaultWeightKg: z.number().positive('must be > 0').default(1),
    internationalCapability: label.default('international-shipping'),
    /** Capability a location needs to ship products with an attribute, and where such products may go. */
    attributeCapabilities: z
      .record(attributeKeySchema, z.strictObject({ capability: label, destinationCountries: z.array(countryCode).min(1).optional() }))
      .default({}),
    strategies: z.array(strategySchema).min(1, 'a profile needs at least one strategy'),
  })
  .superRefine((profile, ctx) => {
    const seen = new Set<string>();
    profile.strategies.forEach((s, i) => {
      if (seen.has(s.id)) ctx.addIssue({ code: 'custom', message: `duplicate strategy id '${s.id}'`, path: ['strategies', i, 'id'] });
      seen.add(s.id);
    });
  });

/** A profile as a user writes it (defaults not yet applied). */
export type SourcingProfileInput = z.input<typeof sourcingProfileSchema>;
/** A validated profile document with defaults applied: plain JSON, safe to store. */
export type SourcingProfileDocument = z.output<typeof sourcingProfileSchema>;
export type StrategyDocument = SourcingProfileDocument['strategies'][number];
export type StrategyConditions = StrategyDocument['when'];
export type StrategyFilters = StrategyDocument['filters'];
export type StrategyCosts = StrategyDocument['costs'];
