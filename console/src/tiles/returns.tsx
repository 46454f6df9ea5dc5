/** Returns: the queue of open returns by state, and one return's receipt, inspection, disposition and refunds. */
import { useSignal } from '@preact/signals';
import { api, type ConfigValue, type Entity } from '../api.js';
import type { TileType } from '../registry.js';
import { selectedReturn } from '../selection.js';
import { may } from '../session.js';
import { ActionButton, Empty, Loaded, Status, relative, time, useAsync } from '../ui.js';

const STATES = ['requested', 'authenticating', 'inspecting', 'refunding', 'refurbishing'];
const OUTCOMES = ['restock', 'refurbish', 'scrap', 'vendor'] as const;
type ReturnLine = { sku: string; qty: number; reason?: string; shippedFrom?: string };
type Refund = { id: string; total?: number; status: string; lines?: Array<{ sku: string; qty: number }> };
type Disposition = { sku: string; qty: number; outcome: string };

function ReturnQueue({ config }: { config: Record<string, ConfigValue> }) {
  const state = useSignal(String(config.state ?? ''));
  const all = useAsync(() => api.returns(), [], 3000);
  const counts = new Map<string, number>();
  for (const r of all.data?.items ?? []) counts.set(r.state, (counts.get(r.state) ?? 0) + 1);
  const shown = (all.data?.items ?? []).filter((r) => !state.value || r.state === state.value);
  return (
    <div>
      <div class="chips" role="group" aria-label="Filter by state">
        <button type="button" aria-pressed={state.value === ''} onClick={() => (state.value = '')}>all <b>{all.data?.items.length ?? '…'}</b></button>
        {STATES.map((s) => <button type="button" aria-pressed={state.value === s} onClick={() => (state.value = s)}>{s} <b>{counts.get(s) ?? 0}</b></button>)}
      </div>
      <Loaded state={all} what="returns" empty={() => shown.length === 0 && (state.value ? `No return is ${state.value}.` : 'No open returns. A return opens with POST /returns for an order that shipped.')}>
        {() => (
          <table>
            <thead><tr><th>Return</th><th>Order</th><th>State</th><th>Lines</th><th>Opened</th></tr></thead>
            <tbody>
              {shown.map((r) => (
                <tr class={selectedReturn.value === r.id ? 'selected' : ''}>
                  <td><button type="button" class="link mono" onClick={() => (selectedReturn.value = r.id)}>{r.id}</button></td>
                  <td class="mono">{String(r.orderId)}</td>
                  <td><Status value={r.state} /></td>
                  <td>{(r.lines as ReturnLine[]).map((l) => `${l.qty}× ${l.sku}`).join(', ')}</td>
                  <td title={time(String(r.createdAt))}>{relative(String(r.createdAt))}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Loaded>
    </div>
  );
}

function ReturnDetailTile() {
  const id = selectedReturn.value;
  if (!id) return <Empty>Pick a return in the queue to receive, inspect and settle it.</Empty>;
  return <ReturnDetail key={id} id={id} />;
}

function ReturnDetail({ id }: { id: string }) {
  const tick = useSignal(0);
  const ret = useAsync(() => api.entity('returns', id), [id, tick.value]);
  const send = (event: Record<string, unknown>) => api.entityEvent('returns', id, event).then(() => tick.value++);
  return (
    <Loaded state={ret} what="the return">
      {(r) => (
        <div class="detail">
          <p class="big"><span class="mono">{r.id}</span> <Status value={r.state} /></p>
          <p class="muted">order {String(r.orderId)} · {String(r.method ?? 'courier')} · routed to {String(r.routedTo ?? '—')}{r.routing ? ` (${(r.routing as { because: string }).because})` : ''}</p>
          <h3>Lines</h3>
          <table>
            <thead><tr><th>SKU</th><th class="num">Qty</th><th>Reason</th><th>Shipped from</th></tr></thead>
            <tbody>{(r.lines as ReturnLine[]).map((l) => <tr><td>{l.sku}</td><td class="num">{l.qty}</td><td>{l.reason ?? '—'}</td><td>{l.shippedFrom ?? '—'}</td></tr>)}</tbody>
          </table>
          {may('orders:write') ? <ReturnActions r={r} send={send} /> : <p class="muted">Your key may not act on returns.</p>}
          {(r.dispositions as Disposition[] | undefined)?.length ? (
            <>
              <h3>Dispositions</h3>
              <ul class="plain">{(r.dispositions as Disposition[]).map((d) => <li>{d.qty}× {d.sku}: <strong>{d.outcome}</strong></li>)}</ul>
            </>
          ) : null}
          {(r.refunds as Refund[] | undefined)?.length ? (
            <>
              <h3>Refunds</h3>
              <ul class="plain">{(r.refunds as Refund[]).map((f) => <li><span class="mono">{f.id}</span> {f.total !== undefined ? f.total.toFixed(2) : `${(f.lines ?? []).map((l) => `${l.qty}× ${l.sku}`).join(', ')} (no prices on the order: the payment system sets the amount)`} <Status value={f.status} /></li>)}</ul>
            </>
          ) : null}
        </div>
      )}
    </Loaded>
  );
}

function ReturnActions({ r, send }: { r: Entity; send: (e: Record<string, unknown>) => Promise<unknown> }) {
  const lines = r.lines as ReturnLine[];
  const outcomes = useSignal<string[]>(lines.map(() => 'restock'));
  const refunds = (r.refunds as Refund[] | undefined) ?? [];
  switch (r.state) {
    case 'requested':
      return (
        <div class="actions">
          <ActionButton kind="primary" label={`Received at ${String(r.routedTo)}`} run={() => send({ type: 'received', location: r.routedTo })} />
          <ActionButton kind="danger" label="Cancel return" run={() => send({ type: 'cancelled' })} />
        </div>
      );
    case 'authenticating':
      return (
        <div class="actions">
          <ActionButton kind="primary" label="Authentic" run={() => send({ type: 'authentication.passed' })} />
          <ActionButton kind="danger" label="Not authentic" run={() => send({ type: 'authentication.failed' })} />
        </div>
      );
    case 'inspecting':
      return (
        <form class="inspection" onSubmit={(e) => e.preventDefault()}>
          <h3>Inspection</h3>
          {lines.map((l, i) => (
            <div class="field">
              <label for={`outcome-${i}`}>{l.qty}× {l.sku}: disposition</label>
              <select id={`outcome-${i}`} value={outcomes.value[i]} onChange={(e) => (outcomes.value = outcomes.value.map((o, j) => (j === i ? e.currentTarget.value : o)))}>
                {OUTCOMES.map((o) => <option value={o}>{o}</option>)}
              </select>
            </div>
          ))}
          <ActionButton kind="primary" label="Record inspection" run={() => send({ type: 'inspected', lines: lines.map((l, i) => ({ sku: l.sku, qty: l.qty, outcome: outcomes.value[i] })) })} />
        </form>
      );
    case 'refunding':
    case 'refurbishing':
      return (
        <div class="actions">
          {refunds.filter((f) => f.status !== 'completed').map((f) => <ActionButton kind="primary" label={`Refund ${f.id} completed`} run={() => send({ type: 'refund.completed', refundId: f.id })} />)}
          <ActionButton label="Refurbishment completed" run={() => send({ type: 'refurbishment.completed' })} />
        </div>
      );
    default:
      return <p class="muted">Nothing left to do: the return is {r.state}.</p>;
  }
}

export const returnTiles: TileType[] = [
  { type: 'returns.queue', title: 'Returns queue', description: 'Open returns by state; refreshed every 3 s.', needs: 'orders:read-any', settings: [{ name: 'state', label: 'State', kind: 'select', options: ['', ...STATES] }], defaults: { state: '' }, component: ReturnQueue },
  { type: 'returns.detail', title: 'Return', description: 'The picked return: receive it, inspect each line and choose its disposition, settle refunds.', needs: 'orders:read-any', component: ReturnDetailTile },
];
