import type { ChunkWindow, LoadHooks } from '../../bulk/index.js';
import { DomainError } from '../../domain/errors.js';
import type { Committed } from '../../engine/index.js';
import { upsertInboundIn, type InboundInput, type InboundPorts } from '../inbound-commands.js';
import { notLoaded, type InboundGroup, type InboundGroups } from './inbound-groups.js';
import type { InboundRowNote } from './inbound-row.js';
import type { InboundBatchOutcome, InboundTally } from './inbound-tally.js';

/**
 * A step's share of a load, in whole inbound; an order waits for at most one step. A step costs ~25-40 µs
 * an inbound (most of it encoding each new inbound's fact for the journal) plus ~1-2 µs a line: 128 inbound
 * of one line took ~3-5 ms, 1,024 lines in inbound of 10 ~2-5 ms, about what a stock chunk holds the thread.
 */
const CHUNK_LINES = 1024;
const CHUNK_INBOUND = 128;

/**
 * Applies a chunk of inbound as one step, each with `PUT /inbound/:id`'s upsert: created or updated through
 * the engine's normal path (durable facts, supply indexes, re-promises), with its checks. An inbound the
 * upsert refuses (an unknown location or SKU, a new one dated in the past, lines below what arrived or was
 * sold) changes nothing, and each of its rows is reported; the others in the chunk still load.
 */
export function applyInboundBatch(ports: InboundPorts, groups: ReadonlyArray<InboundGroup>, by?: string): Committed<InboundBatchOutcome> {
  return ports.engine.run((step) => {
    const out: InboundBatchOutcome = { applied: 0, created: 0, updated: 0, unchanged: 0, refused: 0, rejected: [] };
    for (const g of groups) {
      const facts = step.facts.length;
      try {
        out[upsertInboundIn(ports, step, g.id, inputOf(g))]++;
        out.applied += g.lines.length;
      } catch (e) {
        // The upsert checks everything before it changes anything; a refusal after a change is a bug, fatal.
        if (!(e instanceof DomainError) || step.facts.length !== facts) throw e;
        out.refused++;
        for (const n of rowNotes(g, e)) out.rejected.push(n);
      }
    }
    return out;
  }, by);
}

/**
 * The inbound of a load, applied in chunks once the body has ended (before that no inbound's lines are
 * known to be complete). A body that broke off applies nothing.
 */
export class InboundChunks implements ChunkWindow {
  constructor(
    private readonly ports: InboundPorts,
    private readonly groups: InboundGroups,
    private readonly tally: InboundTally,
    private readonly hooks: LoadHooks,
  ) {}

  due(ended: boolean): boolean {
    return ended && this.groups.lines > 0;
  }

  applyNext(): Promise<void> {
    const { value, durable } = applyInboundBatch(this.ports, this.groups.take(CHUNK_LINES, CHUNK_INBOUND), this.hooks.by);
    this.tally.add(value);
    this.hooks.afterStep?.();
    return durable;
  }

  cut(): void {
    this.groups.clear();
  }
}

function inputOf(g: InboundGroup): InboundInput {
  const input: InboundInput = { location: g.location, lines: g.lines.map((l) => ({ sku: l.sku, qty: l.qty })), expectedAt: g.expectedAt, kind: g.kind };
  if (g.reference !== undefined) input.reference = g.reference;
  return input;
}

const LINE_PATH = /^lines\[(\d+)\]\.(\w+)$/;

/**
 * The upsert's refusal as one note per row: a line's problem (`lines[3].sku`) on that line's row, the
 * inbound's own (its location, its date, a line sold against that the rows leave out) on every row; a row
 * with no problem of its own says which row kept its inbound from loading.
 */
function rowNotes(g: InboundGroup, e: DomainError): InboundRowNote[] {
  const notes = new Map<number, InboundRowNote>();
  const every = g.lines.map((_, i) => i);
  const problems = e.details.length > 0 ? e.details : [{ path: 'inbound', message: e.message }];
  for (const d of problems) {
    const line = LINE_PATH.exec(d.path ?? '');
    const path = line ? line[2]! : d.path === 'location' || d.path === 'expectedAt' ? d.path : 'inbound';
    for (const i of line ? [Number(line[1])] : every) {
      const l = g.lines[i];
      if (l && !notes.has(i)) notes.set(i, { row: l.row, inbound: g.id, sku: l.sku, path, reason: d.message });
    }
  }
  // A problem on no row of the file (a line the inbound kept because units of it arrived) is every row's.
  if (notes.size === 0) return g.lines.map((l) => ({ row: l.row, inbound: g.id, sku: l.sku, path: 'inbound', reason: problems[0]!.message }));
  const first = Math.min(...[...notes.values()].map((n) => n.row));
  return g.lines.map((l, i) => notes.get(i) ?? notLoaded(g.id, first, l.row, l.sku));
}
