import { z } from 'zod';
import type { OrderLine } from '../../domain/order.js';
import { inRefurbishment, inspectionOf, OUTCOME_STATUS, refurbishmentOf, RETURN_STATUS, type DispositionLine, type ReturnBooks } from '../../domain/return-lines.js';
import { defineGuard, defineRule } from '../rule.js';
import { str } from './shape.js';

const books = (context: Readonly<Record<string, unknown>>) => context as unknown as ReturnBooks;

export const recordReceipt = defineRule({
  name: 'recordReceipt',
  description: 'Records which location received a return (event field `location`).',
  params: z.strictObject({}),
  run: ({ event }, api) => {
    if (typeof event.location === 'string') api.set('location', event.location);
  },
});

export const restock = defineRule({
  name: 'restock',
  description: 'Puts the returned units into a status at the receiving location: sellable (restock), refurbished, or damaged (scrap).',
  params: z.strictObject({ status: z.string().min(1).max(50) }),
  run: ({ context, params }, api) =>
    api.emit({ type: 'stock.adjust', location: str(context, 'location'), lines: context.lines as OrderLine[], status: params.status, sign: 1, reason: `return ${str(context, 'id')}` }),
});

const Target = z.union([z.enum(['dropOff', 'origin']), z.strictObject({ location: z.string().min(1).max(100) })]);
type Target = z.infer<typeof Target>;

/** What routing reads of a return's context. */
interface RoutingFacts {
  method?: string;
  dropOffLocation?: string;
  value?: number;
  lines: Array<{ sku: string; reason?: string; category?: string; shippedFrom?: string }>;
}

function resolveTarget(r: RoutingFacts, to: Target): string | undefined {
  if (to === 'dropOff') return r.dropOffLocation;
  if (to === 'origin') return r.lines.find((l) => l.shippedFrom !== undefined)?.shippedFrom;
  return to.location;
}

export const routeReturn = defineRule({
  name: 'routeReturn',
  description:
    'Decides which location receives the return: the first rule whose conditions all hold (method, a line category or reason among those given, ' +
    "value above an amount) sends it to the drop-off store, the location that shipped it (origin), or a named location; else `otherwise`. " +
    'Records routedTo and why; received then defaults to that location.',
  params: z.strictObject({
    rules: z
      .array(
        z.strictObject({
          when: z.strictObject({
            method: z.enum(['store', 'courier']).optional(),
            categories: z.array(z.string().min(1).max(200)).min(1).optional(),
            reasons: z.array(z.string().min(1).max(100)).min(1).optional(),
            valueAbove: z.number().min(0).optional(),
          }),
          to: Target,
          because: z.string().min(1).max(200).optional(),
        }),
      )
      .max(50)
      .default([]),
    otherwise: Target.default('origin'),
  }),
  run: ({ context, params }, api) => {
    const r = context as unknown as RoutingFacts;
    for (const [i, rule] of params.rules.entries()) {
      const w = rule.when;
      if (w.method !== undefined && r.method !== w.method) continue;
      if (w.categories && !r.lines.some((l) => l.category !== undefined && w.categories!.includes(l.category))) continue;
      if (w.reasons && !r.lines.some((l) => l.reason !== undefined && w.reasons!.includes(l.reason))) continue;
      if (w.valueAbove !== undefined && !((r.value ?? 0) > w.valueAbove)) continue;
      const to = resolveTarget(r, rule.to);
      if (to === undefined) continue;
      api.set('routedTo', to);
      api.set('routing', { rule: i, because: rule.because ?? `rule ${i + 1}: ${JSON.stringify(w)} -> ${typeof rule.to === 'string' ? rule.to : rule.to.location}` });
      return;
    }
    const to = resolveTarget(r, params.otherwise);
    if (to === undefined) return;
    api.set('routedTo', to);
    api.set('routing', { rule: 'otherwise', because: `no rule applied -> ${typeof params.otherwise === 'string' ? params.otherwise : params.otherwise.location}` });
  },
});

export const requestReturnLabel = defineRule({
  name: 'requestReturnLabel',
  description: 'For a courier return, asks the carrier integration for a label to the routed location (webhook return.label.requested); store returns need none.',
  params: z.strictObject({}),
  run: ({ context }, api) => {
    if (context.method !== 'courier') return;
    api.emit({ type: 'webhook', event: 'return.label.requested', data: { returnId: context.id, orderId: context.orderId, to: context.routedTo, customer: context.customer, lines: context.lines } });
  },
});

const Trust = z.strictObject({ attribute: z.string().min(1).max(100), values: z.array(z.union([z.string(), z.number(), z.boolean()])).max(100).optional() });

export const placeExchange = defineRule({
  name: 'placeExchange',
  description:
    'Places the replacement order a return asks for (`exchangeFor`), sourced by the optimizer like any order and settled by the return (no payment); ' +
    'the replaced units are then not refunded. With `onlyTrusted` it does so only for customers whose attribute (on the order\'s customer) is true or ' +
    'among `values` (place at once for them, on receipt for everyone else). Does nothing once placed or when no exchange was asked.',
  params: z.strictObject({ onlyTrusted: Trust.optional() }),
  run: ({ context, params }, api) => {
    const exchange = context.exchange as { status?: string } | undefined;
    if (exchange?.status !== 'requested') return;
    if (params.onlyTrusted) {
      const value = (context.customer as Record<string, unknown> | undefined)?.[params.onlyTrusted.attribute];
      const trusted = params.onlyTrusted.values ? params.onlyTrusted.values.includes(value as never) : value === true;
      if (!trusted) return;
    }
    api.emit({ type: 'exchange.place' });
  },
});

export const needsAuthentication = defineGuard({
  name: 'needsAuthentication',
  description: "True when a line's return policy asks for an authenticity check (luxury goods).",
  params: z.strictObject({}),
  test: ({ context }) => ((context.lines as Array<{ authenticate?: boolean }> | undefined) ?? []).some((l) => l.authenticate === true),
});

export const rejectReturn = defineRule({
  name: 'rejectReturn',
  description: 'Refuses received units (a failed authenticity check): they leave returns_received, sent back to the customer; nothing is refunded.',
  params: z.strictObject({}),
  run: ({ context, event }, api) => {
    const received = books(context).received ?? [];
    if (received.length > 0) {
      api.emit({ type: 'stock.adjust', location: str(context, 'location'), lines: received, status: RETURN_STATUS.received, sign: -1, reason: `return ${str(context, 'id')} rejected: sent back to the customer` });
    }
    api.set('rejection', typeof event.reason === 'string' ? event.reason : 'rejected at inspection');
  },
});

export const receiveReturn = defineRule({
  name: 'receiveReturn',
  description: "Takes the return's units in at the receiving location (event field `location`), into returns_received: physically there, not for sale until inspected.",
  params: z.strictObject({}),
  run: ({ context, event }, api) => {
    const location = typeof event.location === 'string' ? event.location : str(context, 'location');
    const lines = context.lines as OrderLine[];
    api.set('received', lines.map(({ sku, qty }) => ({ sku, qty })));
    api.emit({ type: 'stock.adjust', location, lines, status: RETURN_STATUS.received, sign: 1, reason: `return ${str(context, 'id')} received` });
  },
});

export const inspectLines = defineRule({
  name: 'inspectLines',
  description:
    'Gives received units their outcomes (event `{lines: [{sku, qty, outcome}]}`, or `{outcome}` for every unit waiting): restock to sellable, ' +
    'refurbish into refurbishing, scrap into damaged, vendor (the units leave). Units not named wait for a later inspection.',
  params: z.strictObject({}),
  run: ({ context, event }, api) => {
    const planned = inspectionOf(books(context), event);
    // The returns module checked the event before delivering it; a plan that no longer fits changes nothing.
    if (!('ok' in planned)) return;
    const location = str(context, 'location');
    const reason = `return ${str(context, 'id')} inspected`;
    for (const d of planned.ok) {
      const to = OUTCOME_STATUS[d.outcome];
      const lines = [{ sku: d.sku, qty: d.qty }];
      if (to) api.emit({ type: 'stock.move', location, lines, from: RETURN_STATUS.received, to, reason });
      else api.emit({ type: 'stock.adjust', location, lines, status: RETURN_STATUS.received, sign: -1, reason: `${reason}: returned to vendor` });
    }
    const at = event.at;
    api.set('dispositions', [...(books(context).dispositions ?? []), ...planned.ok.map((d): DispositionLine & { at: string } => ({ ...d, at }))]);
  },
});

export const completeRefurbishment = defineRule({
  name: 'completeRefurbishment',
  description: 'Finishes refurbishment (event `{lines}` for some units, or all): the units move from refurbishing to refurbished.',
  params: z.strictObject({}),
  run: ({ context, event }, api) => {
    const done = refurbishmentOf(books(context), event);
    if (!('ok' in done)) return;
    api.emit({ type: 'stock.move', location: str(context, 'location'), lines: done.ok, from: RETURN_STATUS.refurbishing, to: RETURN_STATUS.refurbished, reason: `return ${str(context, 'id')} refurbished` });
    api.set('refurbished', [...(books(context).refurbished ?? []), ...done.ok]);
  },
});

export const returnInspected = defineGuard({
  name: 'returnInspected',
  description: 'True when the return was received and every received unit has an outcome.',
  params: z.strictObject({}),
  test: ({ context }) => {
    const b = books(context);
    if (!b.received) return false;
    const given = new Map<string, number>();
    for (const d of b.dispositions ?? []) given.set(d.sku, (given.get(d.sku) ?? 0) + d.qty);
    return b.received.every((l) => (given.get(l.sku) ?? 0) >= l.qty);
  },
});

export const refurbishmentDone = defineGuard({
  name: 'refurbishmentDone',
  description: 'True when no unit of the return is still in refurbishment.',
  params: z.strictObject({}),
  test: ({ context }) => inRefurbishment(books(context)).size === 0,
});

export const shipTransfer = defineRule({
  name: 'shipTransfer',
  description: 'Ships a transfer: the units leave the source (as shipped) and arrive at the destination as in_transit.',
  params: z.strictObject({}),
  run: ({ context }, api) => {
    const lines = context.lines as OrderLine[];
    api.emit({ type: 'stock.ship', ref: str(context, 'id'), location: str(context, 'from'), lines });
    api.emit({ type: 'stock.adjust', location: str(context, 'to'), lines, status: 'in_transit', sign: 1, reason: `transfer ${str(context, 'id')}` });
  },
});

export const receiveTransfer = defineRule({
  name: 'receiveTransfer',
  description: 'Receives a transfer: the in_transit units at the destination become sellable, and go first to orders waiting on the transfer.',
  params: z.strictObject({}),
  run: ({ context }, api) => {
    api.emit({ type: 'stock.move', location: str(context, 'to'), lines: context.lines as OrderLine[], from: 'in_transit', to: 'sellable', reason: `transfer ${str(context, 'id')}` });
    api.emit({ type: 'supply.transfer_received' });
  },
});

export const cancelTransfer = defineRule({
  name: 'cancelTransfer',
  description: 'Cancels a transfer before it ships: the units reserved at the source go back on the shelf; orders waiting on it move to other supply.',
  params: z.strictObject({}),
  run: ({ context }, api) => {
    api.emit({ type: 'stock.release', ref: str(context, 'id'), location: str(context, 'from'), lines: context.lines as OrderLine[] });
    api.emit({ type: 'supply.transfer_cancelled' });
  },
});
