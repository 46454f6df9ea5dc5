/** The bulk benchmark's rows: every (location, SKU) of a grid once, as NDJSON, optionally with bad rows; and PO lines. */

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

/** A body of NDJSON lines, as 64 KiB buffers. */
export interface Body {
  pieces: Buffer[];
  bytes: number;
  rows: number;
  bad: number;
}

/**
 * The body as 64 KiB buffers, built before the clock starts so that generating rows does not compete with
 * the server for the machine's cores while it is measured.
 */
export function ndjsonBody(grid: Grid, order: RowOrder, badRows: boolean): Body {
  const total = grid.locations * grid.skus;
  let bad = 0;
  const body = inPieces(total, (k) => {
    const i = order === 'by-location' ? Math.floor(k / grid.skus) : k % grid.locations;
    const j = order === 'by-location' ? k % grid.skus : Math.floor(k / grid.locations);
    if (!(badRows && isBadRow(k))) return `{"location":"${locationId(i)}","sku":"${skuId(j)}","onHand":${countFor(i, j)}}`;
    bad++;
    return BAD_ROWS[Math.floor(k / 100) % BAD_ROWS.length]!(i, j);
  });
  return { ...body, bad };
}

/** Lines per purchase order in the inbound load. */
export const PO_LINES = 10;

/** Line `k` of the inbound load: purchase order `PO-<k / 10>` at a location of the grid, 10 consecutive SKUs. */
export function poLine(grid: Grid, k: number): { inbound: string; location: string; sku: string; qty: number } {
  const po = Math.floor(k / PO_LINES);
  return { inbound: `PO-${po}`, location: locationId(po % grid.locations), sku: skuId(k % grid.skus), qty: 1 + (k % 97) };
}

/** `lines` PO lines as NDJSON, due at `expectedAt`. */
export function inboundBody(grid: Grid, lines: number, expectedAt: string): Body {
  return { ...inPieces(lines, (k) => JSON.stringify({ ...poLine(grid, k), expectedAt, kind: 'purchase_order', reference: `ERP PO ${Math.floor(k / PO_LINES)}` })), bad: 0 };
}

/** `total` lines made by `line`, joined into 64 KiB pieces. */
function inPieces(total: number, line: (k: number) => string): Omit<Body, 'bad'> {
  const pieces: Buffer[] = [];
  let lines: string[] = [];
  let size = 0;
  let bytes = 0;
  const flush = (): void => {
    const buf = Buffer.from(lines.join('\n') + '\n');
    pieces.push(buf);
    bytes += buf.length;
    lines = [];
    size = 0;
  };
  for (let k = 0; k < total; k++) {
    const text = line(k);
    lines.push(text);
    size += text.length + 1;
    if (size >= 65_536) flush();
  }
  if (lines.length > 0) flush();
  return { pieces, bytes, rows: total };
}
