/** Sourcing: the profiles and which is active, and a preview form: try an order, see the plan, the alternatives and why. */
import { useSignal } from '@preact/signals';
import { api, ApiError, type Preview } from '../api.js';
import type { TileType } from '../registry.js';
import { Loaded, Status, time, useAsync } from '../ui.js';
import { PoolPicker } from './inventory.js';
import { Why } from './orders.js';
import { selectedPool } from '../selection.js';

const PLACES: Record<string, [number, number]> = {
  Berlin: [52.52, 13.405], Hamburg: [53.551, 9.993], Munich: [48.137, 11.575], Cologne: [50.938, 6.96], Frankfurt: [50.11, 8.682], Leipzig: [51.34, 12.375], Dresden: [51.05, 13.738],
};

function ProfilesTile() {
  const profiles = useAsync(() => api.profiles(), [], 30_000);
  return (
    <Loaded state={profiles} what="sourcing profiles" empty={(d) => d.items.length === 0 && 'No sourcing profiles.'}>
      {(d) => (
        <table>
          <thead><tr><th>Profile</th><th>Versions</th><th>Active</th></tr></thead>
          <tbody>
            {d.items.map((p) => (
              <tr>
                <td class="mono">{p.id}</td>
                <td>{p.versions.map((v) => <span title={time(v.createdAt)}>v{v.version} <Status value={v.status} /> </span>)}</td>
                <td>{d.active?.id === p.id ? <strong>v{d.active.version}</strong> : '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Loaded>
  );
}

/** "SKU-0001 2" or "SKU-0001 x2", one line per SKU. */
function parseLines(text: string): Array<{ sku: string; qty: number }> {
  return text.split(/[\n,]+/).map((l) => l.trim()).filter(Boolean).map((l) => {
    const [sku, qty] = l.split(/\s+x?\s*/i);
    return { sku: sku!, qty: Number(qty ?? 1) || 1 };
  });
}

function PreviewTile() {
  const lines = useSignal('SKU-0001 2\nSKU-0007 1');
  const place = useSignal('Munich');
  const deliveryType = useSignal('home');
  const result = useSignal<Preview | null>(null);
  const error = useSignal<ApiError | Error | null>(null);
  const busy = useSignal(false);
  const run = async () => {
    busy.value = true;
    error.value = null;
    const [lat, lon] = PLACES[place.value]!;
    try {
      result.value = await api.preview({ pool: selectedPool.value, customer: { id: 'console-preview' }, deliverTo: { lat, lon, country: 'DE' }, deliveryType: deliveryType.value, lines: parseLines(lines.value) });
    } catch (e) {
      result.value = null;
      error.value = e as Error;
    } finally {
      busy.value = false;
    }
  };
  return (
    <div class="cols">
      <form onSubmit={(e) => (e.preventDefault(), void run())} class="preview-form">
        <p class="muted">Try an order: nothing is reserved.</p>
        <div class="field"><label for="pv-lines">Lines (SKU and quantity, one per line)</label><textarea id="pv-lines" rows={4} value={lines.value} onInput={(e) => (lines.value = e.currentTarget.value)} /></div>
        <div class="field"><label for="pv-place">Deliver to</label><select id="pv-place" value={place.value} onChange={(e) => (place.value = e.currentTarget.value)}>{Object.keys(PLACES).map((p) => <option>{p}</option>)}</select></div>
        <div class="field"><label for="pv-type">Delivery</label><select id="pv-type" value={deliveryType.value} onChange={(e) => (deliveryType.value = e.currentTarget.value)}><option value="home">home</option><option value="express">express</option></select></div>
        <div class="field"><PoolPicker /></div>
        <button type="submit" class="primary" disabled={busy.value}>{busy.value ? 'Planning…' : 'Preview sourcing'}</button>
      </form>
      <div class="preview-result" aria-live="polite">
        {error.value && (
          <div class="state error" role="alert">
            <strong>{error.value.message}</strong>
            {error.value instanceof ApiError && <ul class="details">{error.value.details.map((d) => <li><code>{d.path ?? ''}</code> {d.message}</li>)}</ul>}
          </div>
        )}
        {result.value && (
          <>
            <p class="big">Outcome: <Status value={String(result.value.outcome ?? 'planned')} /> {typeof result.value.cost === 'number' && <>cost <strong>{result.value.cost.toFixed(2)}</strong></>}</p>
            <Why decision={result.value.explanation} />
          </>
        )}
        {!result.value && !error.value && <p class="state empty">Fill in the order and press “Preview sourcing” to see the plan, the alternatives and why.</p>}
      </div>
    </div>
  );
}

export const sourcingTiles: TileType[] = [
  { type: 'sourcing.profiles', title: 'Sourcing profiles', description: 'The profiles, their versions and the active one.', needs: 'network:read', component: ProfilesTile },
  { type: 'sourcing.preview', title: 'Preview sourcing', description: 'Try an order against the active profile: the plan, the alternatives and why.', needs: 'orders:create', component: PreviewTile },
];
