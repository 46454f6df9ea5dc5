import type { JobView } from '../bulk/index.js';

const WIDTH = 24;

/** What the import prints: a job's progress line, and its summary with the rejected rows; each kind adds its counts. */
export interface ImportCounts {
  rowsRead: number;
  applied: number;
  rejected: number;
  rejectedRows: Array<{ row: number; reason: string; path?: string }>;
  /** Inbound loads: what became of the inbound the lines make up. */
  inbound?: { created: number; updated: number; unchanged: number; rejected: number };
  ignored?: number;
  reservedExceedsOnHand?: number;
  ignoredRows?: Array<{ row: number; reason: string }>;
  shortRows?: Array<{ row: number; location: string; sku: string; reservedExceedsOnHandBy: number }>;
}

/** One line of progress: a bar by bytes read (when the size is known), counts, rate and ETA. */
export function progressLine(job: JobView): string {
  const share = job.bytesTotal ? Math.min(1, job.bytesRead / job.bytesTotal) : undefined;
  const bar = share === undefined ? '' : `[${'#'.repeat(Math.round(share * WIDTH)).padEnd(WIDTH, '.')}] ${String(Math.floor(share * 100)).padStart(3)}%  `;
  const eta = job.etaSeconds === null ? '' : `  ETA ${seconds(job.etaSeconds)}`;
  return `${bar}${n(job.rowsRead)} read, ${n(job.applied)} applied, ${n(job.rejected)} rejected  ${n(job.rate)} rows/s${eta}`;
}

/** The outcome in a few lines, then each rejected, ignored and short row the server listed. */
export function summary(counts: ImportCounts, elapsedMs: number | undefined): string {
  const took = elapsedMs === undefined ? '' : ` in ${seconds(elapsedMs / 1000)} (${n(Math.round(counts.rowsRead / Math.max(elapsedMs / 1000, 0.001)))} rows/s)`;
  const ignored = counts.ignored === undefined ? '' : `, ${n(counts.ignored)} ignored`;
  const lines = [`${n(counts.rowsRead)} rows read${took}: ${n(counts.applied)} applied${ignored}, ${n(counts.rejected)} rejected`];
  const i = counts.inbound;
  if (i) lines.push(`inbound: ${n(i.created)} created, ${n(i.updated)} updated, ${n(i.unchanged)} unchanged, ${n(i.rejected)} rejected`);
  if (counts.rejected > 0) {
    lines.push(`rejected rows${listed(counts.rejectedRows.length, counts.rejected)}:`);
    for (const r of counts.rejectedRows) lines.push(`  row ${r.row}: ${r.reason}${r.path ? ` (${r.path})` : ''}`);
  }
  if (counts.ignored && counts.ignoredRows) {
    lines.push(`ignored rows${listed(counts.ignoredRows.length, counts.ignored)}:`);
    for (const r of counts.ignoredRows) lines.push(`  row ${r.row}: ${r.reason}`);
  }
  if (counts.reservedExceedsOnHand && counts.shortRows) {
    lines.push(`counts below what is reserved (applied; the reservations stand)${listed(counts.shortRows.length, counts.reservedExceedsOnHand)}:`);
    for (const r of counts.shortRows) lines.push(`  row ${r.row}: ${r.location}/${r.sku} is short by ${r.reservedExceedsOnHandBy}`);
  }
  return lines.join('\n');
}

function listed(shown: number, total: number): string {
  return shown < total ? ` (the first ${n(shown)} of ${n(total)})` : '';
}

function n(x: number): string {
  return x.toLocaleString('en-US');
}

function seconds(s: number): string {
  return s < 60 ? `${s.toFixed(1)} s` : `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
}
