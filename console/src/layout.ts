/**
 * The layout a role sees: for each screen, its tiles (type, width, settings). Stored server-side per role
 * (`/ui/layouts/:role`); a screen the stored layout leaves out shows its default tiles.
 */
import { signal } from '@preact/signals';
import { api, type Layout, type Role, type TileSpec } from './api.js';
import type { Screen } from './registry.js';

const t = (id: string, type: string, width: TileSpec['width'], config: TileSpec['config'] = {}): TileSpec => ({ id, type, width, config });

/** What each screen shows until an admin changes it. */
export const DEFAULT_LAYOUT: Record<Screen, TileSpec[]> = {
  overview: [
    t('orders-rate', 'overview.chart', 'third', { figure: 'orders-rate' }),
    t('intake-p99', 'overview.chart', 'third', { figure: 'intake-p99' }),
    t('feed-clients', 'overview.chart', 'third', { figure: 'feed-clients' }),
    t('watched', 'overview.watched-ats', 'half', { pool: 'default', skus: ['SKU-0001', 'SKU-0002', 'SKU-0003'] }),
    t('saved', 'overview.sourcing-saved', 'half', { orders: 50 }),
  ],
  inventory: [t('stock', 'inventory.stock', 'half', { search: '', limit: 12 }), t('sku', 'inventory.sku', 'half')],
  orders: [t('list', 'orders.list', 'half', { status: '' }), t('detail', 'orders.detail', 'half')],
  alerts: [t('alerts', 'alerts.list', 'full', { status: 'open' })],
  supply: [t('inbound', 'supply.inbound', 'half'), t('rules', 'supply.rules', 'half'), t('waiting', 'supply.waiting', 'full')],
  returns: [t('queue', 'returns.queue', 'half', { state: '' }), t('detail', 'returns.detail', 'half')],
  workflows: [t('diagram', 'workflows.diagram', 'full'), t('versions', 'workflows.versions', 'half'), t('upload', 'workflows.upload', 'half')],
  sourcing: [t('preview', 'sourcing.preview', 'full'), t('profiles', 'sourcing.profiles', 'half')],
};

export const layout = signal<Layout | null>(null);
export const layoutError = signal<string | null>(null);

export async function loadLayout(role: Role): Promise<void> {
  layoutError.value = null;
  try {
    layout.value = await api.layout(role);
  } catch (e) {
    layoutError.value = (e as Error).message;
  }
}

/** The tiles a screen shows for the loaded layout. */
export function tilesOf(l: Layout | null, screen: Screen): TileSpec[] {
  return l?.screens[screen] ?? DEFAULT_LAYOUT[screen];
}
