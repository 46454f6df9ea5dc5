import { z } from 'zod';

const positive = (max: number, unit: string) =>
  z.number().positive('must be > 0').max(max, `must be at most ${max} ${unit}`);

/**
 * The look-ahead cost term of a strategy (present: on; absent, the default: off). Every unit taken from a
 * location is priced at what that unit is expected to be worth there later: the dual value of the location's
 * stock in a fluid LP (Acimovic & Graves 2015) that serves the expected demand of the next `horizonHours`,
 * estimated from the orders of the last `windowHours` by region and SKU, from the stock every location holds
 * now, at this strategy's shipping cost. The LP is solved in a worker every `refreshSeconds`; until its first
 * answer the term is 0 (the strategy sources myopically).
 */
export const lookAheadSchema = z.strictObject({
  /** Scales the duals: 1 prices a unit at its full future value, 0 switches the term off. */
  weight: z.number().min(0, 'must be >= 0').max(10, 'must be at most 10').default(1),
  /** Orders placed within this many hours make the demand estimate. */
  windowHours: positive(24 * 90, 'hours (90 days)').default(168),
  /** The demand the LP plans for: the window's rate over this many hours (set it to the time until stock is replenished). */
  horizonHours: positive(24 * 90, 'hours (90 days)').default(72),
  /** How often the LP is solved again with the stock and orders of the moment. */
  refreshSeconds: z.int('must be an integer').min(1, 'must be >= 1').max(86_400, 'must be at most 86400 (a day)').default(300),
  /** Destinations are grouped into square regions of this size. */
  regionKm: positive(1000, 'km').default(50),
  /**
   * What a unit of expected demand that no stock can serve costs in the LP (a lost sale, or an emergency
   * shipment). Absent: the costliest shipping to that region from any location holding the SKU, so a unit's
   * future value never exceeds the shipping it saves.
   */
  shortageCostPerUnit: z.number().min(0, 'must be >= 0').optional(),
  /**
   * 1: the fluid LP with the expected demand. More: the duals averaged over that many LPs with Poisson draws
   * of the demand, which prices a unit by how likely it is to be needed rather than all or nothing.
   */
  scenarios: z.int('must be an integer').min(1, 'must be >= 1').max(100, 'must be at most 100').default(1),
  /** The SKUs with the most demand in the window that the LP prices; others get no look-ahead cost. */
  maxSkus: z.int('must be an integer').min(1, 'must be >= 1').max(100_000, 'must be at most 100000').default(2000),
});

export type LookAheadSettings = z.output<typeof lookAheadSchema>;
