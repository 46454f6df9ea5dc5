/** Inventory: find SKUs and watch their live ATS; one SKU's breakdown by location, status and inbound supply. */
import { useSignal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import { api, type ConfigValue, type Position } from '../api.js';
import { atsOf, feedState, watch } from '../feed.js';
import type { TileType } from '../registry.js';
import { selectedPool, selectedSku } from '../selection.js';
import { Empty, Loaded, time, useAsync, useThrottled } from '../ui.js';

export function PoolPicker({ label = 'Pool' }: { label?: string }) {
  const pools = useAsync(() => api.pools(), []);
  return (
    <label class="inline">
      {label}{' '}
      <select value={selectedPool.value} onChange={(e) => (selectedPool.value = e.currentTarget.value)}>
        {(pools.data?.items ?? [{ id: selectedPool.value }]).map((p) => <option value={p.id}>{p.id}{'name' in p && p.name ? ` — ${p.name}` : ''}</option>)}
      </select>
    </label>
  );
}

export function LiveAts({ pool, sku }: { pool: string; sku: string }) {
  const ats = atsOf(pool, sku).value;
  return <span class={`num live ${ats === 0 ? 'zero' : ''}`} data-sku={sku} data-ats={ats ?? ''}>{ats ?? '…'}</span>;
}

function StockTile({ config }: { config: Record<string, ConfigValue> }) {
  const search = useSignal(String(config.search ?? ''));
  const limit = Number(config.limit ?? 12);
  const found = useAsync(() => api.products(search.value, limit), [search.value, limit]);
  const pool = selectedPool.value;
  const skus = (found.data?.items ?? []).map((p) => p.sku);
  useEffect(() => watch(pool, skus), [pool, skus.join(',')]);
  return (
    <div>
      <div class="toolbar">
        <PoolPicker />
        <label class="inline grow">
          SKU or name{' '}
          <input type="search" placeholder="e.g. SKU-00 or tent" value={search.value} onInput={(e) => (search.value = e.currentTarget.value)} />
        </label>
      </div>
      <Loaded state={found} what="products" empty={(d) => d.items.length === 0 && (search.value ? `No product matches “${search.value}”. Try part of a SKU or a name.` : 'No products yet: load some with PUT /products/:sku or start Fulcrum with --demo.')}>
        {(d) => (
          <table>
            <thead><tr><th>SKU</th><th>Name</th><th class="num">Live ATS ({pool})</th></tr></thead>
            <tbody>
              {d.items.map((p) => (
                <tr class={selectedSku.value === p.sku ? 'selected' : ''}>
                  <td><button type="button" class="link" onClick={() => (selectedSku.value = p.sku)}>{p.sku}</button></td>
                  <td>{p.name}</td>
                  <td class="num"><LiveAts pool={pool} sku={p.sku} /></td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Loaded>
      {feedState.value !== 'live' && <p class="muted">The live feed is {feedState.value}; numbers update once it is back.</p>}
    </div>
  );
}

function SkuTile() {
  const sku = selectedSku.value;
  const pool = selectedPool.value;
  if (!sku) return <Empty>Pick a SKU in “Stock” to see where it is, by location and status, and what is on its way.</Empty>;
  return <SkuDetail key={`${pool}/${sku}`} sku={sku} pool={pool} />;
}

function SkuDetail({ sku, pool }: { sku: string; pool: string }) {
  useEffect(() => watch(pool, [sku]), [pool, sku]);
  // Reloaded when the live ATS moves, at most every 2 s.
  const moved = useThrottled(atsOf(pool, sku).value, 2000);
  const avail = useAsync(() => api.availability(pool, [sku], true), [pool, sku, moved]);
  const positions = useAsync(async () => {
    const locations = (await api.locations()).items;
    const all = await Promise.all(locations.map((l) => api.position(l.id, sku).catch(() => undefined)));
    return all.filter((p): p is Position => p !== undefined && (p.onHand > 0 || p.inbound > 0 || p.reserved > 0));
  }, [sku, moved]);
  return (
    <div>
      <p class="big"><strong>{sku}</strong> in pool <strong>{pool}</strong>: <LiveAts pool={pool} sku={sku} /> available to sell</p>
      <Loaded state={avail} what="availability">
        {(a) => {
          const item = a.items[0];
          return (
            <div class="cols">
              <div>
                <h3>By location (ATS in {pool})</h3>
                {item?.locations?.length ? (
                  <table><tbody>{item.locations.map((l) => <tr><td>{l.id}</td><td class="num">{l.ats}</td></tr>)}</tbody></table>
                ) : <Empty>No location in this pool holds it.</Empty>}
              </div>
              <div>
                <h3>Inbound and future</h3>
                <p>Expected on inbound supply: <strong class="num">{item?.inbound ?? 0}</strong></p>
                {item?.future?.length ? (
                  <table><thead><tr><th>From</th><th class="num">Promisable</th></tr></thead><tbody>{item.future.map((f) => <tr><td>{time(f.from)}</td><td class="num">{f.qty}</td></tr>)}</tbody></table>
                ) : <p class="muted">No future buckets: no supply rule promises inbound units of this SKU.</p>}
              </div>
            </div>
          );
        }}
      </Loaded>
      <h3>Quantities by status</h3>
      <Loaded state={positions} what="positions" empty={(p) => p.length === 0 && 'No stock, reservations or inbound anywhere.'}>
        {(ps) => {
          const statuses = [...new Set(ps.flatMap((p) => Object.keys(p.statuses)))];
          return (
            <table>
              <thead><tr><th>Location</th><th class="num">On hand</th>{statuses.map((s) => <th class="num">{statusLabel(s)}</th>)}<th class="num">Reserved</th><th class="num">Inbound</th></tr></thead>
              <tbody>
                {ps.map((p) => (
                  <tr><td>{p.location}</td><td class="num">{p.onHand}</td>{statuses.map((s) => <td class="num">{p.statuses[s] ?? 0}</td>)}<td class="num">{p.reserved}</td><td class="num">{p.inbound}</td></tr>
                ))}
              </tbody>
            </table>
          );
        }}
      </Loaded>
    </div>
  );
}

export const inventoryTiles: TileType[] = [
  {
    type: 'inventory.stock', title: 'Stock', description: 'Pick a pool, search SKUs, and watch their available-to-sell update live from the feed.', needs: 'network:read',
    settings: [{ name: 'search', label: 'Initial search', kind: 'text' }, { name: 'limit', label: 'Rows', kind: 'number' }], defaults: { search: '', limit: 12 }, component: StockTile,
  },
  { type: 'inventory.sku', title: 'SKU breakdown', description: 'The picked SKU by location, by quantity status, and its inbound and future buckets.', needs: 'inventory:read', component: SkuTile },
];

/** A quantity status as a column heading: `quality_hold` reads "Quality hold", like the fixed columns beside it. */
function statusLabel(status: string): string {
  const words = status.replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}
