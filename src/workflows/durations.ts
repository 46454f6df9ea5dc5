const ISO_DURATION = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

/** Milliseconds in an ISO-8601 duration such as `PT2H`, `P3D`, `PT90S` (days, hours, minutes, seconds). */
export function durationMs(text: string): number | undefined {
  const m = ISO_DURATION.exec(text);
  if (!m || text === 'P' || text.endsWith('T')) return undefined;
  const [, d, h, min, s] = m;
  return ((Number(d ?? 0) * 24 + Number(h ?? 0)) * 60 + Number(min ?? 0)) * 60_000 + Math.round(Number(s ?? 0) * 1000);
}

/** The ISO time `duration` after `from` (an ISO time). */
export function addDuration(from: string, duration: string): string {
  return new Date(Date.parse(from) + (durationMs(duration) ?? 0)).toISOString();
}
