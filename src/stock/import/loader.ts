import type { BulkLoader } from '../../bulk/index.js';
import type { StockPorts } from '../stock.js';
import { RowReader } from './row-reader.js';
import { StockChunks } from './stock-chunks.js';
import { BatchTally } from './tally.js';

/** Bulk stock loads (`POST /inventory/batch`): rows of `{location, sku, onHand | delta, status?, asOf?, reason?}`. */
export function inventoryBatch(ports: StockPorts): BulkLoader<BatchTally> {
  return {
    kind: 'inventory.batch',
    formats: ['ndjson', 'json'],
    whenBroken: 'the rows read before that were applied',
    tally: (limit) => new BatchTally(limit),
    open(_format, tally, hooks) {
      const chunks = new StockChunks(ports, tally, hooks);
      return { rows: new RowReader(tally, (row) => chunks.add(row)), chunks };
    },
  };
}
