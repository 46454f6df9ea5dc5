import { valuesReader, type BulkLoader, type RowValues, type ValuesSink } from '../../bulk/index.js';
import type { InboundPorts } from '../inbound-commands.js';
import { InboundChunks } from './inbound-batch.js';
import { InboundGroups } from './inbound-groups.js';
import { INBOUND_COLUMNS, shapeInboundRow } from './inbound-row.js';
import { InboundTally } from './inbound-tally.js';

/**
 * Bulk inbound loads (`POST /inbound/batch`): one PO line a row, `{inbound, location, sku, qty, expectedAt,
 * kind, reference?}`, as NDJSON, CSV (a header naming the columns) or a JSON array. The rows of an inbound give
 * its full set of lines, as `PUT /inbound/:id` does.
 */
export function inboundBatch(ports: InboundPorts): BulkLoader<InboundTally> {
  return {
    kind: 'inbound.batch',
    formats: ['ndjson', 'csv', 'json'],
    whenBroken: "nothing was applied: an inbound's lines are complete only at the end of the body",
    tally: (limit) => new InboundTally(limit),
    open(format, tally, hooks) {
      const groups = new InboundGroups(tally);
      const rows = valuesReader(format, INBOUND_COLUMNS, new InboundRows(tally, groups, format === 'csv'));
      return { rows, chunks: new InboundChunks(ports, groups, tally, hooks) };
    },
  };
}

/** Checks each row's shape and gathers it under its inbound; a row that fails is counted rejected. */
class InboundRows implements ValuesSink {
  constructor(
    private readonly tally: InboundTally,
    private readonly groups: InboundGroups,
    private readonly textual: boolean,
  ) {}

  values(n: number, values: RowValues): void {
    this.tally.rowsRead++;
    const shaped = shapeInboundRow(values, n, this.textual);
    if ('qty' in shaped) this.groups.add(shaped);
    else this.groups.refuse(shaped);
  }

  bad(n: number, reason: string): void {
    this.tally.rowsRead++;
    this.tally.reject({ row: n, reason });
  }
}
