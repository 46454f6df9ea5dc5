/**
 * A position is the stock of one SKU at one location, kept as counts by status.
 *
 * Invariant (stock conservation): `introduced = sellable + reserved + shipped + sum(other)`, and no count is
 * ever negative. Units enter or leave only through counts and adjustments (which move `introduced`);
 * everything else moves units between statuses.
 */
export interface Position {
  /** Free units in the sellable status: on the shelf and not promised to anyone. */
  sellable: number;
  /** Units physically present but promised to an order or a hold. */
  reserved: number;
  /** Units that left the building in a shipment (kept for the conservation ledger). */
  shipped: number;
  /**
   * Units in other statuses: damaged, quality_check, in_transit, refurbished, custom ones. Absent until a
   * unit enters one: most positions never do, and two empty objects per position doubled the memory of a
   * 1,000,000-position load (213 vs 101 bytes each).
   */
  other?: Record<string, number>;
  /** Net units ever brought in by counts and adjustments. */
  introduced: number;
  /** The source system's time of the last absolute count applied, per status; absent until one carries `asOf`. */
  asOf?: Record<string, string>;
  /**
   * When the units on hand arrived, on average weighted by units: whole minutes since the Unix epoch (a small
   * integer, so V8 keeps it unboxed and MessagePack stores it in 5 bytes). Undefined while unknown. Receipts
   * set it (`recordArrival`); shipments, reservations and moves between statuses on hand leave it as it is.
   * Read it with `receivedAt`, which ignores it once nothing is on hand.
   */
  receivedMinute?: number;
}

/** The statuses Fulcrum knows from the start; users add their own in configuration. */
export const BUILT_IN_STATUSES = ['sellable', 'damaged', 'quality_check', 'in_transit', 'refurbished', 'returns_received', 'refurbishing'] as const;

/**
 * A position with nothing in it. `receivedMinute` is there from the start, undefined: V8 then keeps it inside
 * the object; added later, it goes to a separate property array. Measured on a 200,000-position bulk load
 * (heap per position, index and keys included): 352 bytes without the field, 392 with it added on receipt,
 * 360 with it here, dated or not.
 */
export function emptyPosition(): Position {
  return { sellable: 0, reserved: 0, shipped: 0, introduced: 0, receivedMinute: undefined };
}

/** A stored position as `emptyPosition` lays one out (a copy by rest or spread would put the fifth field outside the object). */
export function restorePosition(stored: Position): Position {
  const p: Position = { sellable: stored.sellable, reserved: stored.reserved, shipped: stored.shipped, introduced: stored.introduced, receivedMinute: stored.receivedMinute };
  if (stored.other === undefined && stored.asOf === undefined) return p;
  // In the stored order, which is the order they were added in: a restored position reads as the live one did.
  for (const key of Object.keys(stored)) {
    if (key === 'other' && stored.other) p.other = stored.other;
    else if (key === 'asOf' && stored.asOf) p.asOf = stored.asOf;
  }
  return p;
}

/** Units in a non-sellable status (0 when none). */
export function otherUnits(p: Position, status: string): number {
  return p.other?.[status] ?? 0;
}

/** Units physically at the location in the sellable status, reserved ones included. */
export function onHandSellable(p: Position): number {
  return p.sellable + p.reserved;
}

/** Statuses whose units are on their way to the location, not in it: a count there would not find them. */
export const ARRIVING_STATUSES: ReadonlyArray<string> = ['in_transit'];

const MINUTE_MS = 60_000;

/**
 * Keeps the arrival time true to the units on hand after `qty` units entered them (`before` were there).
 * A receipt at `receivedMs` moves it to the units-weighted average of the units there and the new ones:
 * `(minute x before + receipt x qty) / (before + qty)`. Units that entered without a receipt (a count or an
 * adjustment that found them) leave it as it is: they were most likely there all along. Units of unknown
 * arrival stay unknown: a receipt gives a position an arrival time only when it held nothing (an average
 * with unknown units would make old stock look new), and units found in an empty position drop the old one.
 */
export function recordArrival(p: Position, before: number, qty: number, receivedMs: number | undefined): void {
  if (qty <= 0) return;
  if (receivedMs === undefined || !Number.isFinite(receivedMs)) {
    // Assigned, not deleted: deleting a property that was not the last one added turns the object into a
    // dictionary, several times its size.
    if (before === 0 && p.receivedMinute !== undefined) p.receivedMinute = undefined;
    return;
  }
  const minute = receivedMs / MINUTE_MS;
  if (before === 0) p.receivedMinute = Math.round(minute);
  else if (p.receivedMinute !== undefined) p.receivedMinute = Math.round((p.receivedMinute * before + minute * qty) / (before + qty));
}

/** When the units on hand arrived, on average (ms since the epoch); undefined when unknown or nothing is on hand. */
export function receivedAt(p: Position): number | undefined {
  return p.receivedMinute === undefined || onHand(p) === 0 ? undefined : p.receivedMinute * MINUTE_MS;
}

/** Whether the arrival time needs the units on hand before a change: only when it is or will be known. */
function tracksArrival(p: Position, status: string, receivedMs: number | undefined): boolean {
  return (receivedMs !== undefined || p.receivedMinute !== undefined) && !ARRIVING_STATUSES.includes(status);
}

/**
 * On hand: every unit physically at the location, whatever its status. That is sellable units, reserved ones
 * (promised, still on the shelf), and every other status (damaged, quality_check, refurbished, custom ones),
 * but not units `in_transit` to it (not there yet) nor shipped ones (gone). The one definition every view
 * of a position uses; it equals the sum of the position's statuses other than `in_transit`.
 */
export function onHand(p: Position): number {
  let n = p.sellable + p.reserved;
  if (p.other) for (const [status, units] of Object.entries(p.other)) if (!ARRIVING_STATUSES.includes(status)) n += units;
  return n;
}

/** Units at the location in a status (sellable counts reserved units, which are physically there). */
export function quantityIn(p: Position, status: string): number {
  return status === 'sellable' ? onHandSellable(p) : otherUnits(p, status);
}

/** True when the conservation ledger balances and nothing is negative. */
export function isConserved(p: Position): boolean {
  let sum = p.sellable + p.reserved + p.shipped;
  if (p.sellable < 0 || p.reserved < 0 || p.shipped < 0) return false;
  for (const n of Object.values(p.other ?? {})) {
    if (n < 0) return false;
    sum += n;
  }
  return sum === p.introduced;
}

/** What an absolute count did: applied or ignored as stale, and whether reservations now exceed stock. */
export interface CountOutcome {
  applied: boolean;
  /** Set when the count is below what is already reserved: the reservations stand, sellable goes to 0. */
  shortBy?: number;
}

/** The outcomes without `shortBy`, shared: a bulk load counts a position per row. */
const APPLIED: Readonly<CountOutcome> = { applied: true };
const IGNORED: Readonly<CountOutcome> = { applied: false };

/** Whether an absolute count with this `asOf` is older than what was already applied (and so ignored). */
export function isStaleCount(p: Position, status: string, asOf: string | undefined): boolean {
  if (asOf === undefined) return false;
  const last = p.asOf?.[status];
  return last !== undefined && Date.parse(asOf) < Date.parse(last);
}

/**
 * Applies an absolute count of units in a status. For the sellable status the count is physical stock,
 * reserved units included: sellable becomes `count - reserved`, never below 0. A count that finds more is not
 * a receipt; with `receivedMs` (the source system knows when the counted units arrived, e.g. from its lot
 * dates) it sets the position's arrival time to it.
 */
export function applyCount(p: Position, status: string, count: number, asOf: string | undefined, receivedMs?: number): Readonly<CountOutcome> {
  if (isStaleCount(p, status, asOf)) return IGNORED;
  if (asOf !== undefined) (p.asOf ??= {})[status] = asOf;
  const tracked = tracksArrival(p, status, receivedMs);
  const onHandBefore = tracked ? onHand(p) : 0;
  let outcome: Readonly<CountOutcome> = APPLIED;
  if (status === 'sellable') {
    const next = Math.max(0, count - p.reserved);
    p.introduced += next - p.sellable;
    p.sellable = next;
    if (count < p.reserved) outcome = { applied: true, shortBy: p.reserved - count };
  } else {
    p.introduced += count - otherUnits(p, status);
    setOther(p, status, count);
  }
  if (!tracked) return outcome;
  if (receivedMs !== undefined && Number.isFinite(receivedMs)) p.receivedMinute = Math.round(receivedMs / MINUTE_MS);
  else recordArrival(p, onHandBefore, onHand(p) - onHandBefore, undefined);
  return outcome;
}

/** Why a delta cannot be applied, or null when it can. */
export function checkDelta(p: Position, status: string, delta: number): string | null {
  const free = status === 'sellable' ? p.sellable : otherUnits(p, status);
  if (free + delta < 0) {
    const held = status === 'sellable' ? ` (${p.reserved} more are reserved)` : '';
    return `a delta of ${delta} would take ${status} below 0: ${free} free${held}`;
  }
  return null;
}

/**
 * Applies a delta to a status; the caller checked it with `checkDelta`. Units added with `receivedMs` are a
 * receipt that arrived then (see `recordArrival`); without it they were found, not received.
 */
export function applyDelta(p: Position, status: string, delta: number, receivedMs?: number): void {
  const onHandBefore = delta > 0 && tracksArrival(p, status, receivedMs) ? onHand(p) : -1;
  p.introduced += delta;
  if (status === 'sellable') p.sellable += delta;
  else setOther(p, status, otherUnits(p, status) + delta);
  if (onHandBefore >= 0) recordArrival(p, onHandBefore, delta, receivedMs);
}

/** Why units cannot move between statuses, or null when they can. */
export function checkMove(p: Position, from: string, qty: number): string | null {
  const free = from === 'sellable' ? p.sellable : otherUnits(p, from);
  return free >= qty ? null : `only ${free} units are free in ${from}, ${qty} asked`;
}

/**
 * Moves units from one status to another; the caller checked it with `checkMove`. Units leaving an arriving
 * status (`in_transit`) for one on hand have arrived: a receipt at `atMs`, the move's time.
 */
export function applyMove(p: Position, from: string, to: string, qty: number, atMs?: number): void {
  const arriving = ARRIVING_STATUSES.includes(from) && tracksArrival(p, to, atMs);
  const onHandBefore = arriving ? onHand(p) : 0;
  if (from === 'sellable') p.sellable -= qty;
  else setOther(p, from, otherUnits(p, from) - qty);
  if (to === 'sellable') p.sellable += qty;
  else setOther(p, to, otherUnits(p, to) + qty);
  if (arriving) recordArrival(p, onHandBefore, qty, atMs);
}

/** Units free to promise: sellable ones plus those in statuses that count toward availability. */
export function freeUnits(p: Position, counting: ReadonlyArray<string>): number {
  let n = p.sellable;
  if (p.other) for (const s of counting) n += p.other[s] ?? 0;
  return n;
}

/** Units in each counting status other than sellable, or undefined when there are none (the common case). */
export function countingUnits(p: Position, counting: ReadonlyArray<string>): Record<string, number> | undefined {
  if (!p.other || counting.length === 0) return undefined;
  let out: Record<string, number> | undefined;
  for (const s of counting) {
    const n = p.other[s];
    if (n) (out ??= {})[s] = n;
  }
  return out;
}

/**
 * Where a reservation of `qty` units takes them from: sellable first, then the counting statuses in order.
 * Undefined when sellable alone suffices (the common case: the event then carries no breakdown).
 */
export function reservationSources(p: Position, qty: number, counting: ReadonlyArray<string>): Record<string, number> | undefined {
  if (p.sellable >= qty) return undefined;
  const from: Record<string, number> = {};
  let left = qty;
  for (const status of ['sellable', ...counting]) {
    const have = status === 'sellable' ? p.sellable : otherUnits(p, status);
    const take = Math.min(have, left);
    if (take > 0) from[status] = take;
    left -= take;
    if (left === 0) break;
  }
  return from;
}

/** Whether the units a reservation names are there. */
export function canReserve(p: Position, qty: number, from: Record<string, number> | undefined): boolean {
  if (!from) return p.sellable >= qty;
  let sum = 0;
  for (const [status, n] of Object.entries(from)) {
    if ((status === 'sellable' ? p.sellable : otherUnits(p, status)) < n) return false;
    sum += n;
  }
  return sum === qty;
}

/** Promises free units to an order or hold, from sellable or from the named statuses. */
export function reserveUnits(p: Position, qty: number, from?: Record<string, number>): void {
  if (!from) p.sellable -= qty;
  else for (const [status, n] of Object.entries(from)) {
    if (status === 'sellable') p.sellable -= n;
    else setOther(p, status, otherUnits(p, status) - n);
  }
  p.reserved += qty;
}

/** Returns promised units to the shelf. */
export function releaseUnits(p: Position, qty: number): void {
  p.reserved -= qty;
  p.sellable += qty;
}

/** Records promised units leaving in a shipment. */
export function shipUnits(p: Position, qty: number): void {
  p.reserved -= qty;
  p.shipped += qty;
}

function setOther(p: Position, status: string, n: number): void {
  if (n !== 0) (p.other ??= {})[status] = n;
  else if (p.other) {
    delete p.other[status];
    if (Object.keys(p.other).length === 0) delete p.other;
  }
}
