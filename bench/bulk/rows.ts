/** The bulk benchmark's rows: every (location, SKU) of a grid once, as NDJSON, optionally with bad rows. */

export interface Grid {
  locations: number;
  skus: number;
}

export type RowOrder = 'by-location' | 'by-sku';

export const locationId = (i: number): string => `L${String(i).padStart(4, '0')}`;
export const skuId = (j: number): string => `S${String(j).padStart(4, '0')}`;

/** The count the load sets for (location i, SKU j), so a check can recompute it. */
export const countFor = (i: number, j: number): number => (i * 7 + j * 13) % 1000;

/** Every 100th row (at offset 50) is bad in the 1% variant, cycling through these kinds of faults. */
const BAD_ROWS = [
  (i: number) => `{"location":"${locationId(i)}","sku":"NO-SUCH-SKU","onHand":5}`,
  (i: number, j: number) => `{"location":"${locationId(i)}","sku":"${skuId(j)}","onHand":-3}`,
  (i: number, j: number) => `{"location":"${locationId(i)}","sku":"${skuId(j)}","onHand":`,
  (i: number, j: number) => `{"location":"${locationId(i)}","sku":"${skuId(j)}","onHand":4,"delta":1}`,
  (i: number, j: number) => `{"location":"${locationId(i)}","sku":"${skuId(j)}","onHand":2.5}`,
  (_i: number, j: number) => `{"location":"NOWHERE","sku":"${skuId(j)}","onHand":1}`,
];

/** Whether the row at this position of the body is a bad one (in the 1% variant). */
export const isBadRow = (k: number): boolean => k % 100 === 50;

/**
 * The body as 64 KiB buffers, built before the clock starts so that generating rows does not compete with
 * the server for the machine's cores while it is measured.
 */
export function ndjsonBody(grid: Grid, order: RowOrder, badRows: boolean): { pieces: Buffer[]; bytes: number; rows: number; bad: number } {
  const pieces: Buffer[] = [];
  let lines: string[] = [];
  let size = 0;
  let bytes = 0;
  let bad = 0;
  const total = grid.locations * grid.skus;
  for (let k = 0; k < total; k++) {
    const i = order === 'by-location' ? Math.floor(k / grid.skus) : k % grid.locations;
    const j = order === 'by-location' ? k % grid.skus : Math.floor(k / grid.locations);
    let line: string;
    if (badRows && isBadRow(k)) {
      line = BAD_ROWS[Math.floor(k / 100) % BAD_ROWS.length]!(i, j);
      bad++;
    } else {
      line = `{"location":"${locationId(i)}","sku":"${skuId(j)}","onHand":${countFor(i, j)}}`;
    }
    lines.push(line);
    size += line.length + 1;
    if (size >= 65_536) {
      const buf = Buffer.from(lines.join('\n') + '\n');
      pieces.push(buf);
      bytes += buf.length;
      lines = [];
      size = 0;
    }
  }
  if (lines.length > 0) {
    const buf = Buffer.from(lines.join('\n') + '\n');
    pieces.push(buf);
    bytes += buf.length;
  }
  return { pieces, bytes, rows: total, bad };
}
