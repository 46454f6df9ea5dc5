/** Console layouts: for each role, the tiles each screen shows. Stored durably like other configuration. */
import { z } from 'zod';
import type { Engine } from '../engine/index.js';
import { checkVersion, SCHEMA_VERSION } from '../../snapshots/index.js';
import type { Role } from '../auth/index.js';

/** The console's screens, in the order its navigation shows them. */
export const SCREENS = ['overview', 'inventory', 'orders', 'alerts', 'supply', 'returns', 'workflows', 'sourcing'] as const;
export type Screen = (typeof SCREENS)[number];

const ConfigValue = z.union([z.string().max(500), z.number().finite(), z.boolean(), z.array(z.string().max(100)).max(50)]);

/** One tile: its id on the screen, its type in the console's tile registry (plugins add types) and its settings. */
export const Tile = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'a tile id: 1-40 lowercase letters, digits and dashes'),
  type: z.string().regex(/^[a-z][a-z0-9-]*(\.[a-z0-9-]+){0,3}$/, 'a tile type such as "inventory.stock" or "acme.returns-map"').max(80),
  width: z.enum(['third', 'half', 'full']).default('half'),
  config: z.record(z.string().regex(/^[A-Za-z][A-Za-z0-9]{0,39}$/, 'a setting name: letters and digits'), ConfigValue).default({}),
});
export type Tile = z.output<typeof Tile>;

/** A role's layout as `PUT /ui/layouts/:role` takes it: screens left out show their default tiles. */
export const LayoutBody = z.strictObject({
  screens: z.partialRecord(
    z.enum(SCREENS),
    z
      .array(Tile)
      .max(24, 'at most 24 tiles on one screen')
      .superRefine((tiles, ctx) => {
        const seen = new Set<string>();
        tiles.forEach((t, i) => {
          if (seen.has(t.id)) ctx.addIssue({ code: 'custom', path: [i, 'id'], message: `duplicate tile id '${t.id}' on this screen` });
          seen.add(t.id);
        });
      }),
  ),
});
export type LayoutBody = z.output<typeof LayoutBody>;

/** A stored layout. */
export interface ConsoleLayout extends LayoutBody {
  role: Role;
  updatedAt: string | null;
  updatedBy?: string;
}

/** The layouts by role, kept in memory and in the store's `consoleLayouts` database. */
export class ConsoleLayouts {
  readonly #byRole = new Map<Role, ConsoleLayout>();

  constructor(private readonly engine: Pick<Engine, 'store' | 'journal'>) {
    for (const { value } of engine.store.consoleLayouts.getRange()) {
      checkVersion('console layout', value);
      const layout = value.doc as ConsoleLayout;
      this.#byRole.set(layout.role, layout);
    }
  }

  /** The role's layout; one with no screens (every screen its defaults) when none was saved. */
  get(role: Role): ConsoleLayout {
    return this.#byRole.get(role) ?? { role, screens: {}, updatedAt: null };
  }

  /** Replaces the role's layout; durable when the promise resolves. */
  put(role: Role, body: LayoutBody, at: string, by: string): { value: ConsoleLayout; durable: Promise<void> } {
    const layout: ConsoleLayout = { role, screens: body.screens, updatedAt: at, updatedBy: by };
    this.#byRole.set(role, layout);
    const durable = this.engine.journal.whenFlushed(this.engine.store.consoleLayouts.put(role, { v: SCHEMA_VERSION, doc: layout }));
    return { value: layout, durable };
  }
}
