/** Workflows: the active definition drawn as a state diagram, its versions, and uploading a new version. */
import { useSignal } from '@preact/signals';
import { api, ApiError, type WorkflowDefinition } from '../api.js';
import type { TileType } from '../registry.js';
import { selectedWorkflow } from '../selection.js';
import { may } from '../session.js';
import { ActionButton, Loaded, Status, time, useAsync } from '../ui.js';

type Edge = { from: string; to: string; label: string; always: boolean };

/** The transitions of a definition: `on` events (solid) and `always` guards (dashed). */
function edgesOf(def: WorkflowDefinition): Edge[] {
  const out: Edge[] = [];
  const targets = (t: unknown): Array<{ target?: string; guard?: unknown }> => (Array.isArray(t) ? t : [typeof t === 'string' ? { target: t } : (t as { target?: string })]);
  const guardName = (g: unknown) => (typeof g === 'string' ? g : (g as { type?: string } | undefined)?.type ?? '');
  for (const [from, s] of Object.entries(def.states)) {
    for (const [event, t] of Object.entries(s.on ?? {})) for (const x of targets(t)) if (x?.target) out.push({ from, to: x.target, label: event, always: false });
    for (const x of targets(s.always ?? [])) if (x?.target) out.push({ from, to: x.target, label: guardName(x.guard) || 'otherwise', always: true });
  }
  return out;
}

const W = 150;
const H = 32;
const GX = 150;
const GY = 30;

/**
 * Lays states out in columns by their distance from the initial state (final states in a last column of their
 * own), and draws the transitions: forward ones labelled, the rest as arcs. A transition many states share
 * (`order.cancelled` -> cancelled) is drawn faintly and named once in the caption.
 */
export function StateDiagram({ def, current }: { def: WorkflowDefinition; current?: string }) {
  const edges = edgesOf(def);
  const isFinal = (s: string) => def.states[s]?.type === 'final';
  const depth = new Map<string, number>([[def.initial, 0]]);
  const queue = [def.initial];
  while (queue.length) {
    const s = queue.shift()!;
    for (const e of edges) if (e.from === s && !depth.has(e.to) && def.states[e.to] && !isFinal(e.to)) depth.set(e.to, depth.get(s)! + 1), queue.push(e.to);
  }
  const lastColumn = Math.max(0, ...depth.values()) + 1;
  for (const s of Object.keys(def.states)) if (!depth.has(s)) depth.set(s, isFinal(s) ? lastColumn : lastColumn - 1 || lastColumn);
  const columns: string[][] = [];
  for (const [s, d] of depth) (columns[d] ??= []).push(s);
  const pos = new Map<string, { x: number; y: number; col: number }>();
  columns.forEach((col, c) => col.forEach((s, r) => pos.set(s, { x: 10 + c * (W + GX), y: 24 + r * (H + GY), col: c })));
  const shared = new Map<string, number>();
  for (const e of edges) shared.set(`${e.label}\u0000${e.to}`, (shared.get(`${e.label}\u0000${e.to}`) ?? 0) + 1);
  const common = [...shared].filter(([, n]) => n >= 3).map(([k, n]) => ({ label: k.split('\u0000')[0]!, to: k.split('\u0000')[1]!, n }));
  const isCommon = (e: Edge) => common.some((c) => c.label === e.label && c.to === e.to);
  const width = 20 + columns.length * (W + GX) - GX + 40;
  const height = 48 + Math.max(...columns.map((c) => c.length)) * (H + GY);
  return (
    <figure class="diagram">
      <svg viewBox={`0 0 ${width} ${height}`} width={width} height={height} role="img" aria-label={`State diagram: ${Object.keys(def.states).length} states, starting at ${def.initial}`}>
        <defs>
          <marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#64748b" /></marker>
        </defs>
        {edges.map((e) => {
          const a = pos.get(e.from);
          const b = pos.get(e.to);
          if (!a || !b) return null;
          let path: string;
          let label: { x: number; y: number } | undefined;
          if (e.from === e.to) path = `M${a.x + W - 30},${a.y} c 8,-20 34,-20 22,0`;
          else if (b.col > a.col) {
            const x1 = a.x + W, y1 = a.y + H / 2, x2 = b.x, y2 = b.y + H / 2, mx = (x1 + x2) / 2;
            path = `M${x1},${y1} C ${mx},${y1} ${mx},${y2} ${x2},${y2}`;
            label = { x: mx, y: (y1 + y2) / 2 - 4 };
          } else if (b.col === a.col) {
            const x = a.x + W, y1 = a.y + H / 2, y2 = b.y + H / 2, bulge = 30 + Math.abs(y2 - y1) / 6;
            path = `M${x},${y1} C ${x + bulge},${y1} ${x + bulge},${y2} ${x},${y2}`;
          } else {
            const x1 = a.x + W / 2, y1 = a.y, x2 = b.x + W / 2, y2 = b.y + H, lift = Math.min(a.y, b.y) - 20;
            path = `M${x1},${y1} C ${x1},${lift} ${x2},${lift} ${x2},${y2}`;
          }
          return (
            <g class={`edge ${e.always ? 'always' : ''} ${isCommon(e) ? 'common' : ''}`}>
              <path d={path} marker-end="url(#arrow)"><title>{`${e.from} → ${e.to}: ${e.label}`}</title></path>
              {label && !isCommon(e) && <text x={label.x} y={label.y} text-anchor="middle">{e.label.length > 24 ? `${e.label.slice(0, 23)}…` : e.label}</text>}
            </g>
          );
        })}
        {[...pos].map(([s, p]) => {
          const st = def.states[s];
          return (
            <g class={`state ${isFinal(s) ? 'final' : ''} ${s === def.initial ? 'initial' : ''} ${s === current ? 'current' : ''}`}>
              <rect x={p.x} y={p.y} width={W} height={H} rx="8" />
              <text x={p.x + W / 2} y={p.y + H / 2 + 4} text-anchor="middle">{s.replace(/_/g, ' ')}</text>
              <title>{`${s}${st?.description ? `: ${st.description}` : ''}`}</title>
            </g>
          );
        })}
      </svg>
      <figcaption class="muted">
        Solid: events a state accepts; dashed: automatic moves with their guard; arcs: moves back or within a column. Blue border: the initial state; green: final states. Hover for details.
        {common.map((c) => <> Faint: <code>{c.label}</code> → {c.to.replace(/_/g, ' ')} (from {c.n} states).</>)}
      </figcaption>
    </figure>
  );
}

function WorkflowPicker() {
  const list = useAsync(() => api.workflows(), []);
  const v = `${selectedWorkflow.value.entity}/${selectedWorkflow.value.name}`;
  return (
    <label class="inline">
      Workflow{' '}
      <select value={v} onChange={(e) => { const [entity, name] = e.currentTarget.value.split('/'); selectedWorkflow.value = { entity: entity!, name: name! }; }}>
        {(list.data?.items ?? [selectedWorkflow.value]).map((w) => <option value={`${w.entity}/${w.name}`}>{w.entity}/{w.name}</option>)}
      </select>
    </label>
  );
}

function DiagramTile() {
  const { entity, name } = selectedWorkflow.value;
  const wf = useAsync(() => api.workflow(entity, name), [entity, name]);
  return (
    <div>
      <div class="toolbar"><WorkflowPicker /></div>
      <Loaded state={wf} what="the workflow">
        {(w) => {
          const active = w.versions.find((v) => v.status === 'active') ?? w.versions.at(-1)!;
          return (
            <>
              <p>Version {active.version} ({active.status}){active.definition.description ? `: ${active.definition.description}` : ''}</p>
              <div class="scroll-x"><StateDiagram def={active.definition} /></div>
            </>
          );
        }}
      </Loaded>
    </div>
  );
}

function VersionsTile() {
  const { entity, name } = selectedWorkflow.value;
  const tick = useSignal(0);
  const list = useAsync(() => api.workflows(), [tick.value]);
  return (
    <Loaded state={list} what="versions">
      {(d) => {
        const wf = d.items.find((w) => w.entity === entity && w.name === name);
        if (!wf) return <p class="state empty">No workflow {entity}/{name} yet: upload its first version.</p>;
        return (
          <table>
            <thead><tr><th>{entity}/{name}</th><th>Status</th><th>Created</th><th /></tr></thead>
            <tbody>
              {[...wf.versions].reverse().map((v) => (
                <tr>
                  <td>v{v.version}</td><td><Status value={v.status} /></td><td>{time(v.createdAt)}</td>
                  <td>{may('config') && v.status !== 'active' && <ActionButton label={`Activate v${v.version}`} run={() => api.activateWorkflow(entity, name, v.version).then(() => tick.value++)} />}</td>
                </tr>
              ))}
            </tbody>
          </table>
        );
      }}
    </Loaded>
  );
}

function UploadTile() {
  const { entity, name } = selectedWorkflow.value;
  const text = useSignal('');
  const problems = useSignal<Array<{ path?: string; message: string }> | null>(null);
  const summary = useSignal<string | null>(null);
  const done = useSignal<string | null>(null);
  const busy = useSignal(false);
  if (!may('config')) return <p class="state empty">Only an admin key may upload workflow versions.</p>;
  const loadActive = async () => {
    const w = await api.workflow(entity, name);
    text.value = JSON.stringify((w.versions.find((v) => v.status === 'active') ?? w.versions.at(-1)!).definition, null, 2);
  };
  const upload = async () => {
    problems.value = null;
    summary.value = null;
    done.value = null;
    let doc: unknown;
    try {
      doc = JSON.parse(text.value);
    } catch (e) {
      summary.value = 'This is not valid JSON';
      problems.value = [{ path: '(document)', message: (e as Error).message }];
      return;
    }
    busy.value = true;
    try {
      const r = await api.putWorkflow(entity, name, doc);
      done.value = `Uploaded ${entity}/${name} v${r.version} as ${r.status}. Activate it under “Versions”.`;
    } catch (e) {
      summary.value = e instanceof ApiError ? e.message : String(e);
      problems.value = e instanceof ApiError ? e.details : [];
    } finally {
      busy.value = false;
    }
  };
  return (
    <form class="upload" onSubmit={(e) => (e.preventDefault(), void upload())}>
      <p class="muted">A new draft version of <strong>{entity}/{name}</strong> (pick another workflow in the diagram). Fulcrum validates it: every problem is listed below, by its place in the document.</p>
      <label for="wf-doc">Definition (JSON)</label>
      <textarea id="wf-doc" rows={12} spellcheck={false} aria-invalid={problems.value ? 'true' : 'false'} aria-describedby="wf-problems" value={text.value} onInput={(e) => (text.value = e.currentTarget.value)} placeholder='{"initial": "...", "states": {...}}' />
      <div class="actions">
        <button type="button" onClick={() => void loadActive()}>Start from the active version</button>
        <button type="submit" class="primary" disabled={busy.value || !text.value.trim()}>{busy.value ? 'Validating…' : 'Validate and upload'}</button>
      </div>
      <div id="wf-problems" aria-live="polite">
        {summary.value && (
          <div class="state error validation" role="alert">
            <strong>{summary.value}</strong>
            <ul class="details">{(problems.value ?? []).map((p) => <li><code>{p.path ?? '(document)'}</code> {p.message}</li>)}</ul>
          </div>
        )}
        {done.value && <p class="state ok" role="status">{done.value}</p>}
      </div>
    </form>
  );
}

export const workflowTiles: TileType[] = [
  { type: 'workflows.diagram', title: 'State diagram', description: 'The active version of a workflow, drawn as states and transitions.', needs: 'network:read', component: DiagramTile },
  { type: 'workflows.versions', title: 'Versions', description: 'The versions of the picked workflow; an admin activates one.', needs: 'network:read', component: VersionsTile },
  { type: 'workflows.upload', title: 'Upload a version', description: 'Upload a new draft version; validation errors are shown in place.', needs: 'network:read', component: UploadTile },
];
