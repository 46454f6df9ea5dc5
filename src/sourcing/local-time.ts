/**
 * Wall-clock time in a location's time zone, computed from the decision time (never from the clock).
 * Formatters are cached per zone: constructing an Intl.DateTimeFormat costs far more than using one.
 */
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (formatter === undefined) {
    formatter = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** True if `timeZone` is an IANA zone this runtime knows. */
export function isTimeZone(timeZone: string): boolean {
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** The last minute formatted per zone: orders arrive many to a minute, and formatting is the costly part. */
const lastMinute = new Map<string, { utcMinute: number; local: number }>();
/**
 * Since 1972 every IANA zone's offset is a whole number of minutes (the last with seconds, Africa/Monrovia,
 * changed that year), so one UTC minute is one local minute and can be cached as a whole.
 */
const WHOLE_MINUTE_OFFSETS_FROM = Date.UTC(1972, 0, 1);
const MINUTE_MS = 60_000;

/** Minutes since local midnight at `epochMs` in `timeZone`; throws RangeError for an unknown zone. */
export function localMinutes(epochMs: number, timeZone: string): number {
  const utcMinute = Math.floor(epochMs / MINUTE_MS);
  const cached = lastMinute.get(timeZone);
  if (cached !== undefined && cached.utcMinute === utcMinute && epochMs >= WHOLE_MINUTE_OFFSETS_FROM) return cached.local;
  let hour = 0;
  let minute = 0;
  for (const part of formatterFor(timeZone).formatToParts(epochMs)) {
    if (part.type === 'hour') hour = Number(part.value);
    else if (part.type === 'minute') minute = Number(part.value);
  }
  const local = hour * 60 + minute;
  lastMinute.set(timeZone, { utcMinute, local });
  return local;
}

/** Minutes since midnight of an `HH:MM` string, or undefined if it is not one. */
export function parseClock(hhmm: string): number | undefined {
  const match = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(hhmm);
  if (match === null) return undefined;
  return Number(match[1]) * 60 + Number(match[2]);
}

/** `HH:MM` for minutes since midnight. */
export function formatClock(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}
