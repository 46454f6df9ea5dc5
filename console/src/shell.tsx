/** The console's frame: sign-in, navigation between screens, and each screen's tiles with the layout editor. */
import { signal, useSignal } from '@preact/signals';
import { useEffect, useRef } from 'preact/hooks';
import { api, type ConfigValue, type Layout, type Role, type TileSpec } from './api.js';
import { feedState } from './feed.js';
import { layout, layoutError, loadLayout, tilesOf } from './layout.js';
import { SCREENS, tileTypes, type Screen, type Setting, type TileType } from './registry.js';
import { me, may, signIn, signInError, signingIn, signOut } from './session.js';
import { ErrorNote } from './ui.js';

const LABELS: Record<Screen, string> = {
  overview: 'Overview', inventory: 'Inventory', orders: 'Orders', alerts: 'Alerts', supply: 'Supply', returns: 'Returns', workflows: 'Workflows', sourcing: 'Sourcing',
};

const screenOfHash = (): Screen => {
  const name = location.hash.replace(/^#\/?/, '');
  return (SCREENS as readonly string[]).includes(name) ? (name as Screen) : 'overview';
};
export const screen = signal<Screen>(screenOfHash());
addEventListener('hashchange', () => (screen.value = screenOfHash()));

export function SignIn() {
  const key = useSignal('');
  return (
    <main class="signin">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void signIn(key.value.trim());
        }}
      >
        <h1>Fulcrum console</h1>
        <p>Sign in with an API key. It stays in this browser tab only and is forgotten when the tab closes.</p>
        <label for="key">API key</label>
        <input id="key" name="key" type="password" autocomplete="off" required value={key.value} onInput={(e) => (key.value = e.currentTarget.value)} autoFocus />
        <button type="submit" class="primary" disabled={signingIn.value || key.value.trim() === ''}>{signingIn.value ? 'Signing in…' : 'Sign in'}</button>
        {signInError.value && <p class="state error" role="alert">{signInError.value}</p>}
        <p class="hint">No key? Start Fulcrum without <code>FULCRUM_API_KEYS</code>: it prints a generated admin key.</p>
      </form>
    </main>
  );
}

export function Shell() {
  const who = me.value!;
  useEffect(() => void loadLayout(who.role), [who.role]);
  return (
    <div class="shell">
      <header class="top">
        <a class="brand" href="#/overview">Fulcrum</a>
        <nav aria-label="Screens">
          {SCREENS.filter((s) => !layout.value || tilesOf(layout.value, s).some((t) => visible(tileTypes.value.get(t.type)))).map((s) => (
            <a href={`#/${s}`} aria-current={screen.value === s ? 'page' : undefined}>{LABELS[s]}</a>
          ))}
        </nav>
        <span class={`feed feed-${feedState.value}`} title="The live stock feed">{feedState.value === 'live' ? '● live' : feedState.value === 'connecting' ? '○ connecting' : '○ feed down, retrying'}</span>
        <span class="who" title={who.keyId}>{who.role}{who.channels ? ` · ${who.channels.join(', ')}` : ''}</span>
        <button type="button" onClick={signOut}>Sign out</button>
      </header>
      {layoutError.value && <ErrorNote error={new Error(`The layout could not be loaded: ${layoutError.value}`)} retry={() => void loadLayout(who.role)} />}
      {layout.value ? <ScreenView key={screen.value} screen={screen.value} /> : !layoutError.value && <p class="state loading">Loading the layout…</p>}
    </div>
  );
}

/** Whether the signed-in key may see a tile type. */
const visible = (t: TileType | undefined) => !t?.needs || may(t.needs);

function ScreenView({ screen: name }: { screen: Screen }) {
  const editing = useSignal(false);
  const editRole = useSignal<Role>(me.value!.role);
  const editLayout = useSignal<Layout | null>(null);
  const draft = useSignal<TileSpec[]>([]);
  const saveError = useSignal<Error | null>(null);
  const saving = useSignal(false);

  const startEditing = async (role: Role) => {
    editRole.value = role;
    saveError.value = null;
    try {
      const l = role === me.value!.role ? layout.value! : await api.layout(role);
      editLayout.value = l;
      draft.value = tilesOf(l, name).map((t) => ({ ...t, config: { ...t.config } }));
      editing.value = true;
    } catch (e) {
      saveError.value = e as Error;
    }
  };
  const save = async (tiles: TileSpec[] | undefined) => {
    saving.value = true;
    saveError.value = null;
    try {
      const screens = { ...editLayout.value!.screens };
      if (tiles) screens[name] = tiles;
      else delete screens[name];
      const saved = await api.saveLayout(editRole.value, screens);
      if (editRole.value === me.value!.role) layout.value = saved;
      editing.value = false;
    } catch (e) {
      saveError.value = e as Error;
    } finally {
      saving.value = false;
    }
  };

  const tiles = editing.value ? draft.value : tilesOf(layout.value, name);
  const shown = tiles.filter((t) => editing.value || visible(tileTypes.value.get(t.type)));
  const update = (i: number, change: Partial<TileSpec> | null) => {
    const next = [...draft.value];
    if (change === null) next.splice(i, 1);
    else next[i] = { ...next[i]!, ...change };
    draft.value = next;
  };
  const move = (i: number, by: number) => {
    const next = [...draft.value];
    const [t] = next.splice(i, 1);
    next.splice(Math.max(0, Math.min(next.length, i + by)), 0, t!);
    draft.value = next;
  };

  return (
    <main class="screen" aria-labelledby="screen-title">
      <div class="screen-head">
        <h1 id="screen-title">{LABELS[name]}</h1>
        {may('config') && !editing.value && <button type="button" onClick={() => void startEditing(editRole.value)}>Edit layout</button>}
        {editing.value && (
          <div class="edit-bar" role="group" aria-label="Layout editor">
            <label>
              Layout of role{' '}
              <select value={editRole.value} onChange={(e) => void startEditing(e.currentTarget.value as Role)}>
                {(['admin', 'ops', 'storefront', 'publishable'] as Role[]).map((r) => <option value={r}>{r}</option>)}
              </select>
            </label>
            <AddTile onAdd={(t) => (draft.value = [...draft.value, t])} taken={draft.value.map((t) => t.id)} />
            <button type="button" class="primary" disabled={saving.value} onClick={() => void save(draft.value)}>{saving.value ? 'Saving…' : 'Save layout'}</button>
            <button type="button" disabled={saving.value} onClick={() => void save(undefined)} title="Forget this screen's stored tiles">Reset to defaults</button>
            <button type="button" onClick={() => (editing.value = false)}>Cancel</button>
          </div>
        )}
      </div>
      {saveError.value && <ErrorNote error={saveError.value} />}
      {shown.length === 0 && (
        <p class="state empty">
          {editing.value ? 'No tiles: add one above, then save.' : `Nothing on this screen for a ${me.value!.role} key. ${may('config') ? 'Use “Edit layout” to add tiles.' : 'Ask an admin to add tiles, or sign in with an ops key.'}`}
        </p>
      )}
      <div class="grid">
        {shown.map((t, i) => (
          <TileFrame key={t.id} spec={t} editing={editing.value} onChange={(c) => update(i, c)} onMove={(by) => move(i, by)} first={i === 0} last={i === shown.length - 1} />
        ))}
      </div>
    </main>
  );
}

function AddTile({ onAdd, taken }: { onAdd: (t: TileSpec) => void; taken: string[] }) {
  const types = [...tileTypes.value.values()];
  const chosen = useSignal(types[0]?.type ?? '');
  return (
    <span class="add-tile">
      <label>
        Tile{' '}
        <select value={chosen.value} onChange={(e) => (chosen.value = e.currentTarget.value)} aria-label="Tile type to add">
          {types.map((t) => <option value={t.type}>{t.title} ({t.type})</option>)}
        </select>
      </label>
      <button
        type="button"
        onClick={() => {
          const type = tileTypes.value.get(chosen.value);
          if (!type) return;
          const base = type.type.split('.').pop()!.replace(/[^a-z0-9-]/g, '') || 'tile';
          let id = base;
          for (let n = 2; taken.includes(id); n++) id = `${base}-${n}`;
          onAdd({ id, type: type.type, width: 'half', config: { ...type.defaults } });
        }}
      >
        Add tile
      </button>
    </span>
  );
}

function TileFrame({ spec, editing, onChange, onMove, first, last }: { spec: TileSpec; editing: boolean; onChange: (c: Partial<TileSpec> | null) => void; onMove: (by: number) => void; first: boolean; last: boolean }) {
  const type = tileTypes.value.get(spec.type);
  const title = type?.titleOf?.({ ...type.defaults, ...spec.config }) ?? type?.title ?? spec.type;
  const id = `tile-${spec.id}`;
  return (
    <section class={`tile w-${spec.width}`} aria-labelledby={id} data-tile={spec.type}>
      <header>
        <h2 id={id}>{title}</h2>
        {editing && (
          <span class="tile-tools">
            <button type="button" aria-label={`Move ${title} earlier`} disabled={first} onClick={() => onMove(-1)}>↑</button>
            <button type="button" aria-label={`Move ${title} later`} disabled={last} onClick={() => onMove(1)}>↓</button>
            <button type="button" class="danger" aria-label={`Remove ${title}`} onClick={() => onChange(null)}>Remove</button>
          </span>
        )}
      </header>
      {editing ? (
        <TileSettings spec={spec} type={type} onChange={onChange} />
      ) : !type ? (
        <p class="state error">Unknown tile type “{spec.type}”: the plugin that adds it is not loaded. An admin can remove it with “Edit layout”.</p>
      ) : type.component ? (
        <type.component config={{ ...type.defaults, ...spec.config }} />
      ) : (
        <PluginTile type={type} config={{ ...type.defaults, ...spec.config }} />
      )}
    </section>
  );
}

function TileSettings({ spec, type, onChange }: { spec: TileSpec; type: TileType | undefined; onChange: (c: Partial<TileSpec>) => void }) {
  const set = (name: string, value: ConfigValue) => onChange({ config: { ...spec.config, [name]: value } });
  const input = (s: Setting) => {
    const value = spec.config[s.name] ?? type?.defaults?.[s.name] ?? '';
    const fid = `set-${spec.id}-${s.name}`;
    return (
      <div class="field">
        <label for={fid}>{s.label}</label>
        {s.kind === 'select' ? (
          <select id={fid} value={String(value)} onChange={(e) => set(s.name, e.currentTarget.value)}>
            {(s.options ?? []).map((o) => <option value={o}>{o || '(any)'}</option>)}
          </select>
        ) : (
          <input
            id={fid}
            {...(s.kind === 'number' ? { type: 'number' as const } : { type: 'text' as const })}
            value={Array.isArray(value) ? value.join(', ') : String(value)}
            onChange={(e) => {
              const v = e.currentTarget.value;
              set(s.name, s.kind === 'number' ? Number(v) : s.kind === 'list' ? v.split(',').map((x) => x.trim()).filter(Boolean) : v);
            }}
          />
        )}
      </div>
    );
  };
  return (
    <div class="settings">
      <p class="muted">{type?.description ?? 'A tile from a plugin that is not loaded.'}</p>
      <div class="field">
        <label for={`w-${spec.id}`}>Width</label>
        <select id={`w-${spec.id}`} value={spec.width} onChange={(e) => onChange({ width: e.currentTarget.value as TileSpec['width'] })}>
          <option value="third">a third</option>
          <option value="half">half</option>
          <option value="full">full width</option>
        </select>
      </div>
      {(type?.settings ?? []).map(input)}
    </div>
  );
}

/** A plugin's tile: it draws into its own element with plain DOM, and may clean up when removed. */
function PluginTile({ type, config }: { type: TileType; config: Record<string, ConfigValue> }) {
  const el = useRef<HTMLDivElement>(null);
  const failed = useSignal<string | null>(null);
  useEffect(() => {
    if (!el.current || !type.mount) return;
    try {
      const cleanup = type.mount(el.current, { config, api, role: me.value!.role });
      return () => {
        if (typeof cleanup === 'function') cleanup();
        if (el.current) el.current.textContent = '';
      };
    } catch (e) {
      failed.value = (e as Error).message;
    }
  }, [type, JSON.stringify(config)]);
  return (
    <>
      {failed.value && <p class="state error">The plugin tile failed: {failed.value}</p>}
      <div ref={el} class="plugin-tile" />
    </>
  );
}
