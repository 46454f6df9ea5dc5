import { RowTally, type LoadReport } from '../../bulk/index.js';
import type { InboundUpsert } from '../inbound-commands.js';
import type { InboundRowNote } from './inbound-row.js';

/** What became of the inbound a load names: each is created, updated, found as asked, or rejected whole. */
export interface InboundCounts {
  created: number;
  updated: number;
  unchanged: number;
  rejected: number;
}

/** What an inbound load did, as `POST /inbound/batch` answers it and its job reports it. */
export interface InboundBatchReport extends LoadReport {
  rejectedRows: InboundRowNote[];
  inbound: InboundCounts;
}

/** What one chunk did: its lines applied, what became of each inbound, and the rows of those refused. */
export interface InboundBatchOutcome extends Record<InboundUpsert, number> {
  applied: number;
  refused: number;
  rejected: InboundRowNote[];
}

/** The counts of an inbound load: rows (lines) applied and rejected, and the inbound they make up. */
export class InboundTally extends RowTally<InboundRowNote> {
  readonly inbound: InboundCounts = { created: 0, updated: 0, unchanged: 0, rejected: 0 };

  /** Adds what one applied chunk did. */
  add(outcome: InboundBatchOutcome): void {
    this.applied += outcome.applied;
    this.inbound.created += outcome.created;
    this.inbound.updated += outcome.updated;
    this.inbound.unchanged += outcome.unchanged;
    this.inbound.rejected += outcome.refused;
    for (const n of outcome.rejected) this.rejectedRows.add(n);
  }

  override report(): InboundBatchReport {
    return { ...super.report(), rejectedRows: this.rejectedRows.items(), inbound: { ...this.inbound } };
  }
}
