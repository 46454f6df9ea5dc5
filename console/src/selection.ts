/** What the operator picked, shared by the tiles of a screen (a list tile sets it, a detail tile shows it). */
import { signal } from '@preact/signals';

export const selectedPool = signal('default');
export const selectedSku = signal<string | null>(null);
export const selectedOrder = signal<string | null>(null);
export const selectedReturn = signal<string | null>(null);
export const selectedWorkflow = signal<{ entity: string; name: string }>({ entity: 'order', name: 'home-delivery' });
