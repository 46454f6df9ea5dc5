/**
 * The tile registry: every tile a screen can show, built in or added by a plugin. A layout names tiles by
 * type; the registry says what each is, what it needs, what settings it takes, and how to draw it.
 */
import type { ComponentType } from 'preact';
import { signal } from '@preact/signals';
import { api, type ConfigValue, type Permission } from './api.js';

export const SCREENS = ['overview', 'inventory', 'orders', 'alerts', 'supply', 'returns', 'workflows', 'sourcing'] as const;
export type Screen = (typeof SCREENS)[number];

/** A setting a user can change on a tile. */
export interface Setting {
  name: string;
  label: string;
  kind: 'text' | 'number' | 'list' | 'select';
  options?: string[];
}

/** What a plugin's tile gets: its settings, the API (authenticated as the signed-in key), and its role. */
export interface PluginTileContext {
  config: Record<string, ConfigValue>;
  api: typeof api;
  role: string;
}

export interface TileType {
  type: string;
  title: string;
  description: string;
  /** The permission the tile needs; a key without it does not see the tile. */
  needs?: Permission;
  settings?: Setting[];
  /** A title that follows the settings (a chart named for its figure); `title` otherwise. */
  titleOf?: (config: Record<string, ConfigValue>) => string;
  defaults?: Record<string, ConfigValue>;
  /** A built-in tile: a Preact component. */
  component?: ComponentType<{ config: Record<string, ConfigValue> }>;
  /** A plugin tile: draws into a plain element; may return a function that cleans up. */
  mount?: (el: HTMLElement, ctx: PluginTileContext) => void | (() => void);
}

export const tileTypes = signal<ReadonlyMap<string, TileType>>(new Map());

/** Adds a tile type (built-in or plugin); a type already registered is replaced. */
export function registerTile(tile: TileType): void {
  if (!/^[a-z][a-z0-9-]*(\.[a-z0-9-]+){0,3}$/.test(tile.type)) throw new Error(`tile type '${tile.type}': use lowercase words joined by dots, e.g. "acme.returns-map"`);
  if (!tile.component && typeof tile.mount !== 'function') throw new Error(`tile type '${tile.type}': give mount(el, ctx)`);
  tileTypes.value = new Map(tileTypes.value).set(tile.type, tile);
}

declare global {
  interface Window {
    /** The plugin API: a plugin's console script calls `fulcrumConsole.registerTile({...})`. */
    fulcrumConsole: { registerTile: typeof registerTile };
  }
}
window.fulcrumConsole = { registerTile };

/** Imports the plugin scripts Fulcrum serves (`/console/plugins/<name>.js`); one that fails is reported, not fatal. */
export async function loadPlugins(): Promise<string[]> {
  const failed: string[] = [];
  try {
    const { scripts } = await api.plugins();
    for (const src of scripts) {
      try {
        await import(/* @vite-ignore */ src);
      } catch (e) {
        failed.push(`${src}: ${(e as Error).message}`);
      }
    }
  } catch (e) {
    failed.push((e as Error).message);
  }
  return failed;
}
