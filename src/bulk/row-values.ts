/** A row's values by field name, as read from its JSON object, before they are checked. */
export type RowValues = Record<string, unknown>;

/** A row's JSON text as an object, or why it is not one. */
export function jsonRow(text: string, start: number, end: number): RowValues | string {
  let value: unknown;
  try {
    value = JSON.parse(text.slice(start, end));
  } catch (e) {
    return `not valid JSON: ${(e as Error).message}`;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'a row must be a JSON object';
  return value as RowValues;
}
