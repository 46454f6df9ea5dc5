/** Orders: a filterable list, and one order's detail with its timeline, fulfilments, sourcing and actions. */
import { useSignal } from '@preact/signals';
import { api, type ConfigValue, type Explanation } from '../api.js';
import type { TileType } from '../registry.js';
import { selectedOrder } from '../selection.js';
import { may } from '../session.js';
import { ActionButton, Empty, Loaded, Status, countdown, relative, time, useAsync, useNow } from '../ui.js';
import { acceptedEvents, definitionOf } from './workflow-states.js';

const STATUSES = ['', 'awaiting_payment', 'awaiting_stock', 'awaiting_allocation', 'fraud_check', 'embroidery', 'gift_wrap', 'fulfilling', 'ready_for_collection', 'shipped', 'delivered', 'cancelled'];

function OrderList({ config }: { config: Record<string, ConfigValue> }) {
  const status = useSignal(String(config.status ?? ''));
  const find = useSignal('');
  const orders = useAsync(() => api.orders(status.value || undefined, 50), [status.value], 5000);
  const shown = (orders.data?.items ?? []).filter((o) => !find.value || o.id.includes(find.value) || o.customer.id.includes(find.value));
  return (
    <div>
      <div class="toolbar">
        <label class="inline">Status <select value={status.value} onChange={(e) => (status.value = e.currentTarget.value)}>{STATUSES.map((s) => <option value={s}>{s ? s.replace(/_/g, ' ') : 'any'}</option>)}</select></label>
        <label class="inline grow">Find <input type="search" placeholder="order id or customer" value={find.value} onInput={(e) => (find.value = e.currentTarget.value)} /></label>
        <button type="button" onClick={orders.reload}>Refresh</button>
      </div>
      <Loaded state={orders} what="orders" empty={() => shown.length === 0 && (status.value || find.value ? 'No order matches these filters: clear them to see all.' : 'No orders yet. Place one with POST /orders; it appears here within seconds.')}>
        {() => (
          <table>
            <thead><tr><th>Order</th><th>Status</th><th>Lines</th><th>Customer</th><th>Placed</th></tr></thead>
            <tbody>
              {shown.map((o) => (
                <tr class={selectedOrder.value === o.id ? 'selected' : ''}>
                  <td><button type="button" class="link mono" onClick={() => (selectedOrder.value = o.id)}>{o.id}</button></td>
                  <td><Status value={o.status} /></td>
                  <td>{o.lines.map((l) => `${l.qty}× ${l.sku}`).join(', ')}</td>
                  <td>{o.customer.id}</td>
                  <td title={time(o.createdAt)}>{relative(o.createdAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Loaded>
    </div>
  );
}

function OrderDetailTile() {
  const id = selectedOrder.value;
  if (!id) return <Empty>Pick an order in the list to see its timeline, fulfilments, sourcing and what can be done with it.</Empty>;
  return <OrderDetail key={id} id={id} />;
}

function OrderDetail({ id }: { id: string }) {
  const tick = useSignal(0);
  const deps = [id, tick.value];
  const order = useAsync(() => api.order(id), deps);
  const history = useAsync(() => api.orderHistory(id), deps);
  const sourcing = useAsync(() => api.orderSourcing(id), deps);
  const fulfilments = useAsync(async () => Promise.all((order.data?.fulfilments ?? []).map((f) => api.entity('fulfilments', f.id).catch(() => undefined))), [order.data]);
  const events = useAsync(async () => (order.data ? acceptedEvents(await definitionOf(order.data.workflow), order.data.status) : []), [order.data]);
  const now = useNow();
  const refresh = () => tick.value++;
  return (
    <Loaded state={order} what="the order">
      {(o) => (
        <div class="detail">
          <p class="big"><span class="mono">{o.id}</span> <Status value={o.status} /></p>
          <p class="muted">{o.channel} channel · pool {o.pool} · customer {o.customer.id} · workflow {o.workflow} · placed {time(o.createdAt)}</p>
          {may('orders:write') && (
            <div class="actions" aria-label="Actions">
              {(events.data ?? []).map((e) => <ActionButton label={e} title={`Send the event ${e} to this order`} run={() => api.orderEvent(o.id, e).then(refresh)} />)}
              {!['cancelled', 'delivered', 'shipped', 'collected'].includes(o.status) && <ActionButton kind="danger" label="Cancel order" run={() => api.cancelOrder(o.id, 'cancelled in the console').then(refresh)} />}
              {events.data?.length === 0 && ['cancelled', 'delivered'].includes(o.status) && <span class="muted">Nothing left to do: the order is {o.status}.</span>}
            </div>
          )}
          <h3>Lines</h3>
          <ul class="plain">{o.lines.map((l) => <li>{l.qty}× {l.sku}</li>)}</ul>
          {o.waiting?.length ? <><h3>Waiting on supply</h3><ul class="plain">{o.waiting.map((w) => <li>{w.qty}× {w.sku} on {w.inbound} ({w.mode}), promised {time(w.promisedAt)}{w.place ? `, #${w.place} in line` : ''}</li>)}</ul></> : null}
          <h3>Fulfilments</h3>
          {o.fulfilments.length === 0 ? <Empty>None yet.</Empty> : (
            <table>
              <thead><tr><th>Fulfilment</th><th>Location</th><th>Lines</th><th>Status</th><th>SLA</th></tr></thead>
              <tbody>
                {o.fulfilments.map((f, i) => {
                  const live = fulfilments.data?.[i];
                  const clocks = Object.entries(live?.timers ?? {}).filter(([n]) => n.endsWith('.escalate'));
                  return (
                    <tr>
                      <td class="mono">{f.id}</td><td>{f.location}</td><td>{f.lines.map((l) => `${l.qty}× ${l.sku}`).join(', ')}</td><td><Status value={live?.status ?? f.status} /></td>
                      <td>{clocks.length === 0 ? <span class="muted">—</span> : clocks.map(([n, at]) => <span class="sla" title={`escalates ${time(at)}`}>{n.replace('.escalate', '')}: {countdown(at, now)}</span>)}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          )}
          <h3>Sourcing</h3>
          <Loaded state={sourcing} what="the sourcing decision" empty={(s) => s.decisions.length === 0 && 'No sourcing decision recorded.'}>
            {(s) => <>{s.decisions.map((d) => <Why decision={d.explanation} kind={d.kind} at={d.at} />)}</>}
          </Loaded>
          <h3>Timeline</h3>
          <Loaded state={history} what="the timeline" empty={(h) => h.items.length === 0 && 'No events yet.'}>
            {(h) => (
              <ol class="timeline">
                {h.items.map((e) => (
                  <li>
                    <time title={time(e.at)}>{new Date(e.at).toLocaleTimeString('en-GB')}</time>{' '}
                    <strong>{e.event?.type ?? 'event'}</strong>
                    {e.status && <> → <Status value={e.status} /></>}
                    {e.effects?.length ? <span class="muted"> · {e.effects.map((x) => x.event ?? x.type).join(', ')}</span> : null}
                    {e.by && <span class="muted"> · by {e.by}</span>}
                  </li>
                ))}
              </ol>
            )}
          </Loaded>
        </div>
      )}
    </Loaded>
  );
}

/** A sourcing explanation: the plan, its runner-ups and why locations were left out. */
export function Why({ decision, kind, at }: { decision: Explanation | undefined; kind?: string; at?: string }) {
  if (!decision) return <Empty>No explanation recorded.</Empty>;
  return (
    <div class="why">
      <p>{kind && <strong>{kind}{at ? ` at ${new Date(at).toLocaleTimeString('en-GB')}` : ''}: </strong>}{decision.summary ?? decision.outcome}</p>
      {decision.plan && (
        <table>
          <thead><tr><th>Ships from</th><th class="num">km</th><th>Lines</th><th class="num">Cost</th></tr></thead>
          <tbody>{decision.plan.shipments.map((s) => <tr><td>{s.location}</td><td class="num">{s.distanceKm.toFixed(0)}</td><td>{s.lines.map((l) => `${l.qty}× ${l.sku}`).join(', ')}</td><td class="num">{s.cost.toFixed(2)}</td></tr>)}</tbody>
        </table>
      )}
      {decision.runnerUps?.length ? (
        <details>
          <summary>Alternatives ({decision.runnerUps.length})</summary>
          <ul class="plain">{decision.runnerUps.map((r) => <li>{r.locations.join(' + ')}: {r.cost.toFixed(2)} (+{r.extraCost.toFixed(2)})</li>)}</ul>
        </details>
      ) : <p class="muted">No alternative plan came close.</p>}
      {decision.excluded?.total ? (
        <details>
          <summary>Locations left out ({decision.excluded.total})</summary>
          <ul class="plain">{decision.excluded.locations.map((l) => <li>{l.location}: {l.reasons.join('; ')}</li>)}</ul>
        </details>
      ) : null}
    </div>
  );
}

export const orderTiles: TileType[] = [
  { type: 'orders.list', title: 'Orders', description: 'Orders, newest first, filtered by status or id; refreshed every 5 s.', needs: 'orders:read', settings: [{ name: 'status', label: 'Status filter', kind: 'select', options: STATUSES }], defaults: { status: '' }, component: OrderList },
  { type: 'orders.detail', title: 'Order detail', description: 'The picked order: actions its state allows, fulfilments with SLA clocks, sourcing explanation, timeline.', needs: 'orders:read', component: OrderDetailTile },
];
