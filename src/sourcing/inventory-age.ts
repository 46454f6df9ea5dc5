/**
 * Inventory age in a problem. Ages come per (candidate, line) from the network's stock attributes; a
 * position may have none (its units were never received through Fulcrum, or arrived into units of unknown
 * age). Such a position's age counts as the mean known age among the line's candidates: "no age" must
 * neither win (it would look infinitely old, cost 0) nor lose (look brand new) against dated stock, so it
 * is priced as the average of what is known, and a line with no known age at all gets no age cost anywhere.
 */

/** Ages by candidate x line (row-major, NaN where unknown), or undefined when no candidate of any line has one. */
export type AgeMatrix = Float64Array | undefined;

/** The mean of the known ages of line `line` among `candidates`; undefined when none is known. */
export function meanKnownAge(ageDays: AgeMatrix, candidates: number, lines: number, line: number): number | undefined {
  if (!ageDays) return undefined;
  let sum = 0;
  let known = 0;
  for (let c = 0; c < candidates; c++) {
    const age = ageDays[c * lines + line]!;
    if (Number.isNaN(age)) continue;
    sum += age;
    known++;
  }
  return known === 0 ? undefined : sum / known;
}

/** A usable age from a network (finite, not negative: a receipt a little ahead of the clock is new stock), or NaN. */
export function ageOrNaN(ageDays: number | undefined): number {
  return ageDays === undefined || !Number.isFinite(ageDays) ? NaN : Math.max(0, ageDays);
}
