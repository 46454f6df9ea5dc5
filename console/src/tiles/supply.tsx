/** Supply: inbound stock on its way, the pre-order and backorder rules, and the orders waiting on inbound. */
import { api, type Order } from '../api.js';
import type { TileType } from '../registry.js';
import { selectedOrder } from '../selection.js';
import { Loaded, Status, relative, time, useAsync } from '../ui.js';

function InboundTile() {
  const inbound = useAsync(() => api.inbound(), [], 10_000);
  return (
    <Loaded state={inbound} what="inbound supply" empty={(d) => d.items.length === 0 && 'Nothing inbound. Announce purchase orders and ASNs with PUT /inbound/:id.'}>
      {(d) => (
        <table>
          <thead><tr><th>Inbound</th><th>Kind</th><th>To</th><th>Expected</th><th>Lines</th><th>State</th><th class="num">Allotting</th></tr></thead>
          <tbody>
            {d.items.map((i) => (
              <tr>
                <td class="mono">{i.id}</td><td>{i.kind.replace(/_/g, ' ')}</td><td>{i.location}</td><td title={time(i.expectedAt)}>{relative(i.expectedAt)}</td>
                <td>{i.lines.map((l) => `${l.qty}× ${l.sku}`).join(', ')}</td><td><Status value={i.state} /></td><td class="num">{i.allotting}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Loaded>
  );
}

function RulesTile() {
  const rules = useAsync(() => api.supplyRules(), [], 30_000);
  return (
    <Loaded state={rules} what="supply rules" empty={(d) => d.items.length === 0 && 'No pre-order or backorder rules: without one, an order beyond stock on hand is refused (PUT /supply-rules/:id).'}>
      {(d) => (
        <table>
          <thead><tr><th>Rule</th><th>Mode</th><th>SKUs</th><th>Scope</th><th class="num">Cap</th><th>Window</th></tr></thead>
          <tbody>
            {d.items.map((r) => (
              <tr>
                <td class="mono" title={r.description}>{r.id}</td><td><span class={`pill mode-${r.mode}`}>{r.mode}</span></td>
                <td>{r.skus.slice(0, 4).join(', ')}{r.skus.length > 4 ? ` +${r.skus.length - 4}` : ''}</td>
                <td>{[r.pool && `pool ${r.pool}`, r.channel && `channel ${r.channel}`].filter(Boolean).join(', ') || 'everywhere'}</td>
                <td class="num">{r.cap ?? '∞'}</td>
                <td>{windowText(r.window)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Loaded>
  );
}

/** Orders with units waiting on inbound, as queues per inbound and SKU in the order they will be served. */
function WaitingTile() {
  const orders = useAsync(async () => (await api.orders(undefined, 500)).items.filter((o) => o.waiting?.length), [], 10_000);
  return (
    <Loaded state={orders} what="waiting orders" empty={(d) => d.length === 0 && 'No order is waiting on inbound supply.'}>
      {(d) => {
        const queues = new Map<string, Array<{ order: Order; qty: number; promisedAt: string; mode: string }>>();
        for (const o of d) for (const w of o.waiting!) {
          const key = `${w.inbound} · ${w.sku}`;
          if (!queues.has(key)) queues.set(key, []);
          queues.get(key)!.push({ order: o, qty: w.qty, promisedAt: w.promisedAt, mode: w.mode });
        }
        return (
          <div class="queues">
            {[...queues].map(([key, q]) => (
              <div class="queue">
                <h3>{key} <span class="muted">({q.reduce((n, w) => n + w.qty, 0)} units, {q.length} orders)</span></h3>
                <ol>{q.map((w) => <li><button type="button" class="link mono" onClick={() => ((selectedOrder.value = w.order.id), (location.hash = '#/orders'))}>{w.order.id}</button> {w.qty} {w.qty === 1 ? 'unit' : 'units'} ({w.mode}), promised {new Date(w.promisedAt).toLocaleDateString('en-GB', { dateStyle: 'medium' })}</li>)}</ol>
              </div>
            ))}
          </div>
        );
      }}
    </Loaded>
  );
}

export const supplyTiles: TileType[] = [
  { type: 'supply.inbound', title: 'Inbound', description: 'Purchase orders, ASNs, transfers and production on their way, soonest first.', needs: 'inventory:read', component: InboundTile },
  { type: 'supply.rules', title: 'Pre-order and backorder rules', description: 'The rules that let orders wait on inbound supply.', needs: 'network:read', component: RulesTile },
  { type: 'supply.waiting', title: 'Waiting queues', description: 'Orders waiting on inbound, per inbound and SKU.', needs: 'orders:read-any', component: WaitingTile },
];

/** A rule's window in words: "from …", "until …", "… – …", or "always" when it has none. */
function windowText(window: { from?: string; to?: string } | undefined): string {
  if (!window || (!window.from && !window.to)) return 'always';
  if (!window.from) return `until ${time(window.to!)}`;
  if (!window.to) return `from ${time(window.from)}`;
  return `${time(window.from)} – ${time(window.to)}`;
}
