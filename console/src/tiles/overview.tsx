/** Overview: live charts of orders per second, intake p99, feed subscribers, watched SKUs' ATS and sourcing savings. */
import { useEffect, useState } from 'preact/hooks';
import { api, type ConfigValue } from '../api.js';
import { TimeChart } from '../chart.js';
import { atsOf, watch } from '../feed.js';
import { FIGURES, metricsError, series, useMetrics, type Figure } from '../metrics.js';
import type { TileType } from '../registry.js';
import { Empty, ErrorNote, Loaded, useAsync } from '../ui.js';

function FigureTile({ config }: { config: Record<string, ConfigValue> }) {
  const figure = (String(config.figure) in FIGURES ? String(config.figure) : 'orders-rate') as Figure;
  useEffect(() => useMetrics(), []);
  const s = series.value[figure];
  const latest = s.v.at(-1);
  const { label, unit } = FIGURES[figure];
  return (
    <div>
      {metricsError.value && <ErrorNote error={new Error(`Metrics unavailable: ${metricsError.value}`)} />}
      <p class="figure"><span class="num big-num" data-figure={figure}>{latest === undefined ? '…' : `${+latest.toFixed(figure === 'intake-p99' ? 1 : 2)}`}</span> <span class="muted">{unit === '/s' ? 'orders/s' : unit}{unit ? ', ' : ''}sampled every 2 s</span></p>
      {s.t.length < 2 ? <p class="state loading">Collecting the first samples…</p> : <TimeChart t={s.t} series={[{ label, v: s.v }]} unit={unit === 'ms' ? ' ms' : ''} />}
    </div>
  );
}

function WatchedTile({ config }: { config: Record<string, ConfigValue> }) {
  const pool = String(config.pool ?? 'default');
  const skus = (Array.isArray(config.skus) ? config.skus : String(config.skus ?? '').split(',')).map((s) => s.trim()).filter(Boolean).slice(0, 6);
  const [data, setData] = useState<{ t: number[]; v: Array<Array<number | null>> }>({ t: [], v: skus.map(() => []) });
  const key = `${pool}/${skus.join(',')}`;
  useEffect(() => watch(pool, skus), [key]);
  useEffect(() => {
    setData({ t: [], v: skus.map(() => []) });
    const sample = () => setData((d) => ({ t: [...d.t, Date.now() / 1000].slice(-150), v: skus.map((sku, i) => [...(d.v[i] ?? []), atsOf(pool, sku).value ?? null].slice(-150)) }));
    sample();
    const id = setInterval(sample, 2000);
    return () => clearInterval(id);
  }, [key]);
  if (skus.length === 0) return <Empty>No SKUs watched: an admin sets them with “Edit layout”.</Empty>;
  return (
    <div>
      <p class="figure">{skus.map((sku) => <span class="watch"><span class="muted">{sku}</span> <span class="num big-num" data-sku={sku}>{atsOf(pool, sku).value ?? '…'}</span></span>)}</p>
      {data.t.length < 2 ? <p class="state loading">Collecting the first samples…</p> : <TimeChart t={data.t} series={skus.map((sku, i) => ({ label: sku, v: data.v[i] ?? [] }))} />}
      <p class="muted">ATS in pool {pool}, live from the feed.</p>
    </div>
  );
}

/** What the optimizer saved per order against the next best plan it found, from the recorded explanations. */
const savedByOrder = new Map<string, { at: number; saved: number }>();

function SavedTile({ config }: { config: Record<string, ConfigValue> }) {
  const n = Math.min(Number(config.orders ?? 50) || 50, 200);
  const state = useAsync(async () => {
    const orders = (await api.orders(undefined, n)).items;
    const fresh = orders.filter((o) => !savedByOrder.has(o.id));
    await Promise.all(fresh.map(async (o) => {
      const d = (await api.orderSourcing(o.id)).decisions.find((x) => x.kind === 'intake');
      savedByOrder.set(o.id, { at: Date.parse(o.createdAt) / 1000, saved: d?.explanation?.runnerUps?.[0]?.extraCost ?? 0 });
    }));
    return orders.map((o) => savedByOrder.get(o.id)!).sort((a, b) => a.at - b.at);
  }, [n], 10_000);
  return (
    <Loaded state={state} what="sourcing decisions" empty={(d) => d.length === 0 && 'No orders yet: savings appear as orders are sourced.'}>
      {(d) => {
        let sum = 0;
        const cumulative = d.map((x) => (sum += x.saved));
        return (
          <div>
            <p class="figure"><span class="num big-num">{sum.toFixed(2)}</span> <span class="muted">cost units saved over the next best plan, last {d.length} orders</span></p>
            {d.length >= 2 && <TimeChart t={d.map((x) => x.at)} series={[{ label: 'saved (cumulative)', v: cumulative }]} />}
          </div>
        );
      }}
    </Loaded>
  );
}

export const overviewTiles: TileType[] = [
  { type: 'overview.chart', title: 'Live figure', description: 'A live chart from /metrics: orders per second, intake p99, feed subscribers or requests in flight.', needs: 'metrics', titleOf: (c) => FIGURES[c.figure as Figure]?.label ?? 'Live figure', settings: [{ name: 'figure', label: 'Figure', kind: 'select', options: Object.keys(FIGURES) }], defaults: { figure: 'orders-rate' }, component: FigureTile },
  { type: 'overview.watched-ats', title: 'Watched SKUs', description: 'The live ATS of a few SKUs in a pool, charted.', needs: 'availability:read', settings: [{ name: 'pool', label: 'Pool', kind: 'text' }, { name: 'skus', label: 'SKUs (comma-separated, up to 6)', kind: 'list' }], defaults: { pool: 'default', skus: ['SKU-0001'] }, component: WatchedTile },
  { type: 'overview.sourcing-saved', title: 'Sourcing cost saved', description: 'What the optimizer saved against the next best plan, over the latest orders.', needs: 'orders:read-any', settings: [{ name: 'orders', label: 'Orders to count', kind: 'number' }], defaults: { orders: 50 }, component: SavedTile },
];
