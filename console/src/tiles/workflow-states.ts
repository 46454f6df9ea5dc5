/** Reads workflow definitions: which events a state accepts (the actions an entity's state allows). */
import { api, type WorkflowDefinition } from '../api.js';

const cache = new Map<string, Promise<WorkflowDefinition | undefined>>();

/** The definition an entity runs, from its `workflow` field (`order/home-delivery@1`). */
export function definitionOf(workflow: string): Promise<WorkflowDefinition | undefined> {
  let found = cache.get(workflow);
  if (!found) {
    const m = /^([^/]+)\/([^@]+)@(\d+)$/.exec(workflow);
    found = m ? api.workflow(m[1]!, m[2]!).then((w) => w.versions.find((v) => v.version === Number(m[3]))?.definition) : Promise.resolve(undefined);
    found.catch(() => cache.delete(workflow));
    cache.set(workflow, found);
  }
  return found;
}

/** The events a state accepts, internal ones (`order.*`, `entity.*`, `timer.*`) left out. */
export function acceptedEvents(def: WorkflowDefinition | undefined, state: string): string[] {
  const on = def?.states[state]?.on ?? {};
  return Object.keys(on).filter((e) => !/^(order|entity|timer|return|fulfilment)\./.test(e) && !e.startsWith('xstate.'));
}
