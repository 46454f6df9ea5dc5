import type { AnyMachineSnapshot, AnyStateMachine } from 'xstate';

/**
 * XState's macrostep for a flat machine: a root whose states are all atomic or final, without history,
 * invocations, delays, wildcard events, targets on the root's own transitions, re-entering transitions or
 * outputs (what `compileWorkflow` makes of a workflow definition, and the hand-written entity machines).
 * For those it gives the snapshot `machine.transition` gives, running the same guards and actions in the same
 * order with the same arguments (XState's own action objects resolve themselves: `assign` still clones the
 * snapshot, `emit` still defers), but without the general algorithm's per-microstep Sets, exit and entry set
 * computation, least-common-ancestor walks and sorts: an order's `entity.created` (`__new` -> `placed` ->
 * `awaiting_payment`) allocated ~16 KB and took ~30 µs there.
 *
 * Returns undefined (before running anything) when the machine, snapshot or event is not one this handles.
 * The steps follow xstate 5.33's `macrostep`, `microstep`, `enterStates`,
 * `exitStates`, `resolveAndExecuteActionsWithContext` and `evaluateGuard`;
 * `test/engine/flat-macrostep.test.ts` compares both over random workflows and events.
 */
export function flatMacrostep(machine: AnyStateMachine, snapshot: AnyMachineSnapshot, event: { type: string }, scope: Scope): AnyMachineSnapshot | undefined {
  if (snapshot.status !== 'active' || typeof snapshot.value !== 'string' || event.type.startsWith('xstate.') || snapshot.machine !== machine) return undefined;
  if (!isFlat(machine) || hasChildren(snapshot)) return undefined;
  const queue: Array<{ type: string }> = [];
  let next = microstep(machine.getTransitionData(snapshot as never, event as never) as unknown as Transition[], snapshot, event, scope, queue);
  let nextEvent = event;
  let selectEventless = true;
  while (next.status === 'active') {
    const enabled: Transition | undefined = selectEventless ? eventless(next, nextEvent) : undefined;
    const previous: AnyMachineSnapshot | undefined = enabled ? next : undefined;
    let transitions: Transition[];
    if (enabled) transitions = [enabled];
    else {
      // An event an action raised (none do in workflows; handled as the macrostep does).
      if (queue.length === 0) break;
      nextEvent = queue.shift()!;
      transitions = machine.getTransitionData(next as never, nextEvent as never) as unknown as Transition[];
    }
    next = microstep(transitions, next, nextEvent, scope, queue);
    selectEventless = next !== previous;
  }
  return next;
}

function hasChildren(snapshot: AnyMachineSnapshot): boolean {
  for (const _ in snapshot.children) return true;
  return false;
}

/** What `flatMacrostep` needs of the actor scope (the one the caller also gives `machine.transition`). */
export interface Scope {
  self: unknown;
  system: unknown;
  actionExecutor(action: { type: string; info: unknown; params: unknown; exec?: ((info: unknown, params: unknown) => void) | undefined }): void;
}

interface Node {
  key: string;
  type: string;
  order: number;
  parent?: Node;
  states: Record<string, Node>;
  entry: unknown[];
  exit: unknown[];
  always?: Transition[];
  invoke: unknown[];
  after: unknown[];
  history?: unknown;
  tags: string[];
  output?: unknown;
  transitions: Map<string, Transition[]>;
  config: { after?: unknown };
}

interface Transition {
  source: Node;
  target?: Node[];
  actions: unknown[];
  guard?: unknown;
  reenter?: boolean;
}

const flat = new WeakMap<AnyStateMachine, boolean>();

function isFlat(machine: AnyStateMachine): boolean {
  let ok = flat.get(machine);
  if (ok === undefined) flat.set(machine, (ok = checkFlat(machine)));
  return ok;
}

function checkFlat(machine: AnyStateMachine): boolean {
  const root = machine.root as unknown as Node;
  if (root.type !== 'compound' || root.output !== undefined || root.entry.length > 0 || root.exit.length > 0 || root.always || root.invoke.length > 0 || root.config.after) return false;
  // XState stops a macrostep after `maxIterations` microsteps (Infinity unless set); this does not count them.
  if (((machine.options as { maxIterations?: number } | undefined)?.maxIterations ?? Infinity) !== Infinity) return false;
  const children = Object.values(root.states);
  const simpleOn = (node: Node, targets: boolean) => {
    for (const [descriptor, list] of node.transitions) {
      if (descriptor.includes('*') || descriptor.startsWith('xstate.')) return false;
      for (const t of list) if (!simpleTransition(t, root, targets)) return false;
    }
    return true;
  };
  if (!simpleOn(root, false)) return false;
  for (const s of children) {
    if ((s.type !== 'atomic' && s.type !== 'final') || s.invoke.length > 0 || s.config.after || s.output !== undefined || s.history) return false;
    if (Object.keys(s.states ?? {}).length > 0) return false;
    if (!simpleOn(s, true)) return false;
    for (const t of s.always ?? []) if (!simpleTransition(t, root, true)) return false;
  }
  return true;
}

function simpleTransition(t: Transition, root: Node, targets: boolean): boolean {
  if (t.reenter) return false;
  if (!t.target || t.target.length === 0) return true;
  return targets && t.target.length === 1 && t.target[0]!.parent === root;
}

/** The first enabled eventless transition of the current state (the root has none), as `selectEventlessTransitions`. */
function eventless(snapshot: AnyMachineSnapshot, event: { type: string }): Transition | undefined {
  const state = (snapshot.machine.root as unknown as Node).states[snapshot.value as string]!;
  for (const t of state.always ?? []) if (t.guard === undefined || evaluateGuard(t.guard, snapshot.context, event, snapshot)) return t;
  return undefined;
}

function microstep(transitions: Transition[], current: AnyMachineSnapshot, event: { type: string }, scope: Scope, queue: unknown[]): AnyMachineSnapshot {
  const t = transitions[0];
  if (t === undefined) return current;
  // One atomic state is active, so at most one transition is ever selected.
  if (transitions.length > 1) throw new Error('flatMacrostep: more than one transition selected');
  const target = t.target?.[0];
  const source = (current.machine.root as unknown as Node).states[current.value as string]!;
  if (target === undefined || target === t.source) return resolveActions(current, event, scope, t.actions, queue, undefined);
  // The domain is the root: the current state is exited, the target entered.
  let next = resolveActions(current, event, scope, source.exit, queue, undefined);
  next = resolveActions(next, event, scope, t.actions, queue, undefined);
  const nodes = (current as unknown as { _nodes: Node[] })._nodes.filter((n) => n !== source);
  nodes.push(target);
  next = resolveActions(next, event, scope, target.entry, queue, []);
  if (target.type === 'final') {
    // The root is compound: XState queues its done event, which the loop never reads once the machine is done.
    next = clone(next, { status: 'done', output: undefined });
    nodes.sort((a, b) => b.order - a.order);
    next = resolveActions(next, event, scope, nodes.flatMap((n) => n.exit), queue, undefined);
  }
  return clone(next, { _nodes: nodes, historyValue: current.historyValue, value: target.key, tags: new Set(nodes.flatMap((n) => n.tags)) });
}

/** `cloneMachineSnapshot`: the same fields in the same order, `value` and `tags` as `createMachineSnapshot` computes them. */
function clone(snapshot: AnyMachineSnapshot, changes: Record<string, unknown>): AnyMachineSnapshot {
  const s = snapshot as unknown as Record<string, unknown>;
  const nodes = (changes._nodes ?? s._nodes) as Node[];
  return {
    status: changes.status ?? s.status,
    output: 'output' in changes ? changes.output : s.output,
    error: s.error,
    machine: s.machine,
    context: s.context,
    _nodes: nodes,
    value: changes.value ?? s.value,
    tags: changes.tags ?? new Set(nodes.flatMap((n) => n.tags)),
    children: s.children,
    historyValue: (changes.historyValue ?? s.historyValue) || {},
    matches: s.matches,
    hasTag: s.hasTag,
    can: s.can,
    getMeta: s.getMeta,
    toJSON: s.toJSON,
  } as unknown as AnyMachineSnapshot;
}

type ActionDef = ((...args: unknown[]) => unknown) | string | { type: string; params?: unknown };
interface Builtin {
  (...args: unknown[]): unknown;
  type: string;
  resolve(scope: Scope, snapshot: AnyMachineSnapshot, args: unknown, params: unknown, action: unknown, extra: unknown): [AnyMachineSnapshot, unknown, unknown[] | undefined];
  execute?(scope: Scope, params: unknown): void;
  retryResolve?: unknown;
}

/** `resolveActionsAndContext`: the actions resolved in order, then the retries (`spawnChild`) on entry. */
function resolveActions(snapshot: AnyMachineSnapshot, event: { type: string }, scope: Scope, actions: readonly unknown[], queue: unknown[], deferredActorIds: string[] | undefined): AnyMachineSnapshot {
  const retries: Array<[Builtin, unknown]> | undefined = deferredActorIds ? [] : undefined;
  const next = resolveAndExecute(snapshot, event, scope, actions, { internalQueue: queue, deferredActorIds }, retries);
  if (retries) for (const [action, params] of retries) (action.retryResolve as (s: Scope, n: AnyMachineSnapshot, p: unknown) => void)(scope, next, params);
  return next;
}

/** `resolveAndExecuteActionsWithContext`. */
function resolveAndExecute(snapshot: AnyMachineSnapshot, event: { type: string }, scope: Scope, actions: readonly unknown[], extra: unknown, retries: Array<[Builtin, unknown]> | undefined): AnyMachineSnapshot {
  const { machine } = snapshot;
  let current = snapshot;
  for (const a of actions as ActionDef[]) {
    const inline = typeof a === 'function';
    const resolved = (inline ? a : (machine.implementations.actions as Record<string, unknown>)[typeof a === 'string' ? a : a.type]) as Builtin | ((...args: unknown[]) => unknown) | undefined;
    const args = { context: current.context, event, self: scope.self, system: scope.system };
    const params = inline || typeof a === 'string' ? undefined : 'params' in a ? (typeof a.params === 'function' ? (a.params as (x: unknown) => unknown)({ context: current.context, event }) : a.params) : undefined;
    if (!resolved || !('resolve' in resolved)) {
      scope.actionExecutor({ type: typeof a === 'string' ? a : typeof a === 'object' ? a.type : a.name || '(anonymous)', info: args, params, exec: resolved as ((info: unknown, params: unknown) => void) | undefined });
      continue;
    }
    const [next, resolvedParams, more] = resolved.resolve(scope, current, args, params, resolved, extra);
    current = next;
    if ('retryResolve' in resolved) retries?.push([resolved, resolvedParams]);
    if ('execute' in resolved) scope.actionExecutor({ type: resolved.type, info: args, params: resolvedParams, exec: resolved.execute!.bind(null, scope, resolvedParams) as () => void });
    if (more) current = resolveAndExecute(current, event, scope, more, extra, retries);
  }
  return current;
}

/** `evaluateGuard`. */
function evaluateGuard(guard: unknown, context: unknown, event: unknown, snapshot: AnyMachineSnapshot): boolean {
  const inline = typeof guard === 'function';
  const g = guard as { type: string; params?: unknown } | string;
  const resolved = (inline ? guard : (snapshot.machine.implementations.guards as Record<string, unknown>)[typeof g === 'string' ? g : g.type]) as
    | ((args: unknown, params: unknown) => boolean) & { check?: (s: unknown, args: unknown, r: unknown) => boolean }
    | undefined;
  if (!inline && !resolved) throw new Error(`Guard '${typeof g === 'string' ? g : g.type}' is not implemented.'.`);
  if (typeof resolved !== 'function') return evaluateGuard(resolved, context, event, snapshot);
  const args = { context, event };
  const params = inline || typeof g === 'string' ? undefined : 'params' in g ? (typeof g.params === 'function' ? (g.params as (x: unknown) => unknown)({ context, event }) : g.params) : undefined;
  if (!('check' in resolved)) return resolved(args, params);
  return resolved.check!(snapshot, args, resolved);
}
