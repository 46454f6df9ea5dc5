import { z } from 'zod';
import { durationMs } from './durations.js';

/** The kinds of entity a workflow can run. */
export const WORKFLOW_ENTITIES = ['order', 'fulfilment', 'return', 'transfer'] as const;
export type WorkflowEntity = (typeof WORKFLOW_ENTITIES)[number];

const Name = z.string().regex(/^([a-z][a-z0-9-]{0,63}\/)?[A-Za-z][A-Za-z0-9_.-]{0,63}$/, 'must be a brick name (letters, digits, _ . -), or <plugin>/<name> for a plugin brick');
const StateName = z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, 'state names are lower-case letters, digits and _, starting with a letter');
const EventName = z.string().regex(/^[A-Za-z][A-Za-z0-9_.:-]{0,99}$/, 'event names are letters, digits, _ . : - and start with a letter');
const Params = z.record(z.string(), z.unknown());

/** A brick used as an action or guard: its name, or `{type, params}`. */
export const BrickRef = z.union([Name, z.strictObject({ type: Name, params: Params.optional() })]);
export type BrickRef = z.infer<typeof BrickRef>;

const Actions = z.union([BrickRef, z.array(BrickRef).max(50)]);

export const Transition = z.union([
  StateName,
  z.strictObject({
    target: StateName.optional(),
    guard: BrickRef.optional(),
    actions: Actions.optional(),
    description: z.string().max(500).optional(),
  }),
]);
export type Transition = z.infer<typeof Transition>;

const Transitions = z.union([Transition, z.array(Transition).min(1).max(20)]);

export const StateDefinition = z.strictObject({
  type: z.literal('final').optional(),
  description: z.string().max(500).optional(),
  entry: Actions.optional(),
  exit: Actions.optional(),
  on: z.record(EventName, Transitions).optional(),
  always: Transitions.optional(),
  tags: z.array(z.string().min(1).max(50)).max(20).optional(),
});
export type StateDefinition = z.infer<typeof StateDefinition>;

/**
 * A workflow as users write it: a JSON document shaped like an XState machine config (flat states, `on`,
 * `always`, `entry`/`exit`, guards), whose actions and guards name registered bricks with parameters.
 */
export const WorkflowDefinition = z.strictObject({
  description: z.string().max(2000).optional(),
  /** Which new entities run this workflow; the matching active workflow with the highest priority wins. */
  appliesTo: z
    .strictObject({
      channel: z.array(z.string().min(1).max(100)).max(50).optional(),
      deliveryType: z.array(z.string().min(1).max(50)).max(10).optional(),
      attributes: z.record(z.string(), z.unknown()).optional(),
    })
    .optional(),
  priority: z.number().int().min(-1000).max(1000).default(0),
  initial: StateName,
  states: z.record(StateName, StateDefinition).refine((s) => Object.keys(s).length > 0 && Object.keys(s).length <= 200, {
    error: 'give 1 to 200 states',
  }),
});
export type WorkflowDefinition = z.infer<typeof WorkflowDefinition>;

/** An ISO-8601 duration parameter (`PT30M`, `P3D`). */
export const Duration = z.string().refine((s) => durationMs(s) !== undefined && durationMs(s)! > 0, {
  error: 'must be an ISO-8601 duration such as PT30M or P3D',
});

/** The name and parameters of a brick reference. */
export function brickOf(ref: BrickRef): { type: string; params: Record<string, unknown> } {
  return typeof ref === 'string' ? { type: ref, params: {} } : { type: ref.type, params: ref.params ?? {} };
}

/** Transitions as a list of objects. */
export function transitionsOf(t: z.infer<typeof Transitions> | undefined): Array<Exclude<Transition, string>> {
  if (t === undefined) return [];
  return (Array.isArray(t) ? t : [t]).map((x) => (typeof x === 'string' ? { target: x } : x));
}

/** Actions as a list. */
export function actionsOf(a: z.infer<typeof Actions> | undefined): BrickRef[] {
  if (a === undefined) return [];
  return Array.isArray(a) ? a : [a];
}
