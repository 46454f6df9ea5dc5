import { SCHEMA_VERSION } from '../../snapshots/index.js';
import { DomainError } from '../domain/errors.js';
import type { Committed, Engine, SelectionFacts, WorkflowSelector } from '../engine/index.js';
import { compileWorkflow } from './compile.js';
import { WORKFLOW_ENTITIES, type WorkflowDefinition, type WorkflowEntity } from './definition.js';
import { DEFAULT_WORKFLOWS } from './defaults/index.js';
import type { RuleRegistry } from './registry.js';
import { validateWorkflow } from './validate.js';

/** One version of a workflow: drafts can be activated; the active one runs new entities. */
export interface WorkflowVersion {
  version: number;
  status: 'draft' | 'active' | 'retired';
  createdAt: string;
  activatedAt?: string;
  definition: WorkflowDefinition;
}

/** A named workflow for one entity kind, with every version it ever had (old ones keep running entities). */
export interface StoredWorkflow {
  entity: WorkflowEntity;
  name: string;
  versions: WorkflowVersion[];
}

/** The machine key of a workflow version: `order/home-delivery@3`. */
export function machineKey(entity: string, name: string, version: number): string {
  return `${entity}/${name}@${version}`;
}

/**
 * Workflow definitions and their versions. Every version ever stored is compiled and registered at start, so
 * an entity always finishes on the version it started with; new entities take the active version of the
 * matching workflow (by `appliesTo`, then priority, then name).
 */
export class WorkflowCatalog implements WorkflowSelector {
  private readonly workflows = new Map<string, StoredWorkflow>();
  /**
   * Per entity kind, its active versions in the order `select` prefers them (priority, then name), each with
   * its machine key: built on the first selection after a change, so an order no longer scans every stored
   * workflow and builds a key (it was one of the two largest lines of placeOrderIn's own time). Every change
   * to `workflows` goes through `load` or `save`, which drop it.
   */
  private selection: Map<WorkflowEntity, Selectable[]> | undefined;
  private readonly engine: Engine;
  private readonly rules: RuleRegistry;

  constructor(engine: Engine, rules: RuleRegistry) {
    this.engine = engine;
    this.rules = rules;
  }

  /** Loads and compiles every stored version; installs the defaults on first start. */
  load(now: string): Promise<void> {
    for (const { value } of this.engine.store.workflows.getRange()) {
      const wf = value.doc as StoredWorkflow;
      for (const v of wf.versions) this.engine.machines.register(machineKey(wf.entity, wf.name, v.version), compileWorkflow(machineKey(wf.entity, wf.name, v.version), v.definition, this.rules));
      this.workflows.set(`${wf.entity}/${wf.name}`, wf);
    }
    this.selection = undefined;
    const pending: Promise<void>[] = [];
    for (const d of DEFAULT_WORKFLOWS) {
      if (this.workflows.has(`${d.entity}/${d.name}`)) continue;
      const created = this.put(d.entity, d.name, d.definition, now);
      pending.push(created.durable, this.activate(d.entity, d.name, created.value.version, now).durable);
    }
    return Promise.all(pending).then(() => undefined);
  }

  /** Validates and stores a new draft version; nothing is stored when it is invalid. */
  put(entity: string, name: string, doc: unknown, now: string): Committed<WorkflowVersion> {
    const kind = checkEntity(entity);
    if (!/^[a-z][a-z0-9-]{0,63}$/.test(name)) {
      throw new DomainError('invalid_request', 'the workflow name in the path is not valid', [{ path: 'name', message: 'lower-case letters, digits and -, starting with a letter' }]);
    }
    const definition = validateWorkflow(kind, doc, this.rules);
    const key = `${kind}/${name}`;
    const wf = this.workflows.get(key) ?? { entity: kind, name, versions: [] };
    const version: WorkflowVersion = { version: wf.versions.length + 1, status: 'draft', createdAt: now, definition };
    this.engine.machines.register(machineKey(kind, name, version.version), compileWorkflow(machineKey(kind, name, version.version), definition, this.rules));
    const next = { ...wf, versions: [...wf.versions, version] };
    return { value: version, durable: this.save(next) };
  }

  /** Makes a version the one new entities run; the previously active version is retired (running entities keep it). */
  activate(entity: string, name: string, version: number, now: string): Committed<StoredWorkflow> {
    const wf = this.require(entity, name);
    if (!wf.versions.some((v) => v.version === version)) {
      throw new DomainError('not_found', `workflow ${entity}/${name} has no version ${version}`, [{ path: 'version', message: `versions: ${wf.versions.map((v) => v.version).join(', ')}` }]);
    }
    const next: StoredWorkflow = {
      ...wf,
      versions: wf.versions.map((v) =>
        v.version === version ? { ...v, status: 'active', activatedAt: now } : v.status === 'active' ? { ...v, status: 'retired' } : v,
      ),
    };
    return { value: next, durable: this.save(next) };
  }

  get(entity: string, name: string): StoredWorkflow | undefined {
    return this.workflows.get(`${entity}/${name}`);
  }

  list(): StoredWorkflow[] {
    return [...this.workflows.values()].sort((a, b) => `${a.entity}/${a.name}`.localeCompare(`${b.entity}/${b.name}`));
  }

  /** The machine key of the active workflow a new entity of this kind runs. */
  select(kind: WorkflowEntity, facts: SelectionFacts): string | undefined {
    const candidates = (this.selection ??= this.selectable()).get(kind);
    if (candidates) for (const c of candidates) if (applies(c.definition, facts)) return c.key;
    return undefined;
  }

  /** The active version of every workflow, by kind, best first: higher priority, then the lower name. */
  private selectable(): Map<WorkflowEntity, Selectable[]> {
    const byKind = new Map<WorkflowEntity, Selectable[]>();
    for (const wf of this.workflows.values()) {
      const v = wf.versions.find((x) => x.status === 'active');
      if (!v) continue;
      const list = byKind.get(wf.entity) ?? [];
      list.push({ name: wf.name, definition: v.definition, key: machineKey(wf.entity, wf.name, v.version) });
      byKind.set(wf.entity, list);
    }
    for (const list of byKind.values()) {
      list.sort((a, b) => b.definition.priority - a.definition.priority || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    }
    return byKind;
  }

  private require(entity: string, name: string): StoredWorkflow {
    const wf = this.workflows.get(`${checkEntity(entity)}/${name}`);
    if (!wf) throw new DomainError('not_found', `no workflow ${entity}/${name}`);
    return wf;
  }

  private save(wf: StoredWorkflow): Promise<void> {
    this.workflows.set(`${wf.entity}/${wf.name}`, wf);
    this.selection = undefined;
    return this.engine.journal.whenFlushed(this.engine.store.workflows.put(`${wf.entity}/${wf.name}`, { v: SCHEMA_VERSION, doc: wf }));
  }
}

/** An active workflow version as `select` tries it. */
interface Selectable {
  name: string;
  definition: WorkflowDefinition;
  key: string;
}

function applies(def: WorkflowDefinition, facts: SelectionFacts): boolean {
  const a = def.appliesTo;
  if (!a) return true;
  if (a.channel && !a.channel.includes(facts.channel ?? 'default')) return false;
  if (a.deliveryType && !a.deliveryType.includes(facts.deliveryType ?? 'home')) return false;
  if (a.attributes) {
    for (const [k, v] of Object.entries(a.attributes)) if (facts.attributes?.[k] !== v) return false;
  }
  return true;
}

function checkEntity(entity: string): WorkflowEntity {
  if (!(WORKFLOW_ENTITIES as readonly string[]).includes(entity)) {
    throw new DomainError('not_found', `no workflows for '${entity}'`, [{ path: 'entity', message: `one of: ${WORKFLOW_ENTITIES.join(', ')}` }]);
  }
  return entity as WorkflowEntity;
}
