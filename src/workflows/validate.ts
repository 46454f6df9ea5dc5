import { DomainError, formatPath, type ErrorDetail } from '../domain/errors.js';
import { actionsOf, brickOf, transitionsOf, WorkflowDefinition, type BrickRef, type WorkflowEntity } from './definition.js';
import type { RuleRegistry } from './registry.js';

/** Events the engine itself sends; a definition may not use them. */
const ENGINE_EVENTS = new Set(['entity.created']);

/** Events an entity kind must accept somewhere (or in every non-final state), so the engine's calls work. */
const REQUIRED: Record<WorkflowEntity, { somewhere: string[]; everyOpenState: string[] }> = {
  order: { somewhere: ['order.cancelled'], everyOpenState: [] },
  fulfilment: { somewhere: [], everyOpenState: ['cancelled'] },
  return: { somewhere: [], everyOpenState: [] },
  transfer: { somewhere: [], everyOpenState: [] },
};

/**
 * Checks a workflow document and reports every problem at once, each with its path: the shape; unknown
 * bricks and bad parameters (against each brick's schema); unknown targets; states that cannot be reached;
 * states with no way out that are not final; events a state waits for (from its bricks) but does not
 * handle; and the events each entity kind must accept. Returns the parsed definition (defaults applied).
 */
export function validateWorkflow(entity: WorkflowEntity, doc: unknown, rules: RuleRegistry): WorkflowDefinition {
  const parsed = WorkflowDefinition.safeParse(doc);
  if (!parsed.success) {
    throw invalid(parsed.error.issues.map((i) => ({ path: formatPath(i.path) || '(body)', message: i.message })));
  }
  const def = parsed.data;
  const problems: ErrorDetail[] = [];
  const names = Object.keys(def.states);
  if (!def.states[def.initial]) problems.push({ path: 'initial', message: `'${def.initial}' is not one of the states (${names.join(', ')})` });

  const targets = new Map<string, Set<string>>();
  for (const [name, state] of Object.entries(def.states)) {
    const at = `states.${name}`;
    const out = new Set<string>();
    targets.set(name, out);
    checkActions(state.entry, `${at}.entry`, rules, problems);
    checkActions(state.exit, `${at}.exit`, rules, problems);
    const handled = new Set(Object.keys(state.on ?? {}));
    const edges: Array<[string, ReturnType<typeof transitionsOf>]> = [
      ...Object.entries(state.on ?? {}).map(([event, t]) => [`${at}.on["${event}"]`, transitionsOf(t)] as [string, ReturnType<typeof transitionsOf>]),
      [`${at}.always`, transitionsOf(state.always)],
    ];
    for (const event of handled) if (ENGINE_EVENTS.has(event)) problems.push({ path: `${at}.on["${event}"]`, message: `'${event}' is sent by Fulcrum itself and cannot be handled` });
    for (const [path, list] of edges) {
      list.forEach((t, i) => {
        const p = Array.isArray(list) && list.length > 1 ? `${path}[${i}]` : path;
        if (t.target !== undefined) {
          if (!def.states[t.target]) problems.push({ path: `${p}.target`, message: `unknown state '${t.target}'` });
          else out.add(t.target);
        }
        if (t.guard !== undefined) checkBrick(t.guard, `${p}.guard`, 'guard', rules, problems);
        checkActions(t.actions, `${p}.actions`, rules, problems);
      });
    }
    if (state.type === 'final') {
      if (state.on || state.always || state.exit) problems.push({ path: at, message: 'a final state takes no events and has no exit actions' });
    } else if (![...out].some((t) => t !== name)) {
      problems.push({ path: at, message: `state '${name}' has no way out and is not final` });
    }
    for (const ref of actionsOf(state.entry)) {
      const { type, params } = brickOf(ref);
      const rule = rules.action(type);
      const parsedParams = rule?.params.safeParse(params);
      if (!rule?.awaits || !parsedParams?.success) continue;
      for (const event of rule.awaits(parsedParams.data)) {
        if (!handled.has(event)) problems.push({ path: `${at}.on`, message: `state '${name}' runs ${type}, which waits for '${event}', but has no transition for it` });
      }
    }
  }

  if (def.states[def.initial]) {
    const reached = reachable(def.initial, targets);
    for (const name of names) if (!reached.has(name)) problems.push({ path: `states.${name}`, message: `state '${name}' cannot be reached from '${def.initial}'` });
    if (![...reached].some((n) => def.states[n]?.type === 'final')) problems.push({ path: 'states', message: 'no final state can be reached: entities would never finish' });
  }

  const required = REQUIRED[entity];
  for (const event of required.somewhere) {
    if (!Object.values(def.states).some((s) => s.on?.[event] !== undefined)) {
      problems.push({ path: 'states', message: `no state accepts '${event}': Fulcrum sends it to every ${entity} (e.g. the cancel endpoint)` });
    }
  }
  for (const event of required.everyOpenState) {
    for (const [name, s] of Object.entries(def.states)) {
      if (s.type !== 'final' && s.on?.[event] === undefined) problems.push({ path: `states.${name}.on`, message: `every open ${entity} state must accept '${event}' (sent when its order is cancelled)` });
    }
  }
  if (problems.length > 0) throw invalid(problems);
  return def;
}

function checkActions(refs: BrickRef | BrickRef[] | undefined, path: string, rules: RuleRegistry, problems: ErrorDetail[]): void {
  // Paths follow the document: an index only where the document has a list.
  if (Array.isArray(refs)) refs.forEach((ref, i) => checkBrick(ref, `${path}[${i}]`, 'action', rules, problems));
  else if (refs !== undefined) checkBrick(refs, path, 'action', rules, problems);
}

function checkBrick(ref: BrickRef, path: string, kind: 'action' | 'guard', rules: RuleRegistry, problems: ErrorDetail[]): void {
  const { type, params } = brickOf(ref);
  const rule = kind === 'action' ? rules.action(type) : rules.guard(type);
  if (!rule) {
    const known = kind === 'action' ? rules.actionNames() : rules.guardNames();
    problems.push({ path, message: `unknown ${kind === 'action' ? 'rule' : 'guard'} '${type}'; known: ${known.sort().join(', ')}` });
    return;
  }
  const parsed = rule.params.safeParse(params);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) problems.push({ path: `${path}.params${issue.path.length ? '.' + formatPath(issue.path) : ''}`, message: issue.message });
  }
}

function reachable(initial: string, targets: Map<string, Set<string>>): Set<string> {
  const seen = new Set([initial]);
  const queue = [initial];
  while (queue.length > 0) {
    for (const next of targets.get(queue.shift()!) ?? []) {
      if (!seen.has(next)) {
        seen.add(next);
        queue.push(next);
      }
    }
  }
  return seen;
}

function invalid(details: ErrorDetail[]): DomainError {
  return new DomainError('invalid_request', `the workflow is not valid: ${details.length} problem${details.length === 1 ? '' : 's'}`, details);
}
