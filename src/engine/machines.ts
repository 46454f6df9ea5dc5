import type { AnyMachineSnapshot, AnyStateMachine } from 'xstate';
import { alertMachine, holdMachine, inboundMachine, locationMachine, orderMachine } from '../../actors/index.js';

export const LOCATION_MACHINE = 'location@1';
export const DEFAULT_ORDER_MACHINE = 'order/default@1';
export const HOLD_MACHINE = 'hold@1';
export const ALERT_MACHINE = 'alert@1';
export const INBOUND_MACHINE = 'inbound@1';

/**
 * The state compiled workflows start in. A new entity is created dormant here and the engine's
 * `entity.created` event then enters the workflow's initial state, running its entry actions.
 */
export const ENTITY_NEW_STATE = '__new';

/**
 * The machines actors run, by a key that names a version (`order/default@1`). A stored actor names its key,
 * so it rehydrates with the machine it started on even after another version becomes the default: this is
 * where compiled workflow definitions register.
 */
export class MachineCatalog {
  private readonly machines = new Map<string, AnyStateMachine>();
  private orderDefault = DEFAULT_ORDER_MACHINE;

  constructor() {
    this.machines.set(LOCATION_MACHINE, locationMachine);
    this.machines.set(DEFAULT_ORDER_MACHINE, orderMachine);
    this.machines.set(HOLD_MACHINE, holdMachine);
    this.machines.set(ALERT_MACHINE, alertMachine);
    this.machines.set(INBOUND_MACHINE, inboundMachine);
  }

  /**
   * `machine.resolveState({ value, context })` of the machine registered as `key`: the snapshot an entity is
   * created or restored in. For a state named by a string, the parts that depend on the state alone (its state
   * nodes, value, status, tags) are resolved once per machine and state and copied with the entity's context:
   * resolving them walked the machine (getAllStateNodes and two Sets) for every order, ~5 KB. `children`,
   * `historyValue` and `tags` are new objects per snapshot, as XState makes them.
   */
  resolve(key: string, value: unknown, context: object): AnyMachineSnapshot {
    const machine = this.get(key);
    if (typeof value !== 'string' || !context) return machine.resolveState({ value: value as never, context });
    let byValue = this.resolved.get(machine);
    if (!byValue) this.resolved.set(machine, (byValue = new Map()));
    let template = byValue.get(value);
    if (!template) byValue.set(value, (template = machine.resolveState({ value, context: {} })));
    return { ...template, context, children: {}, historyValue: {}, tags: new Set(template.tags) } as AnyMachineSnapshot;
  }

  private readonly resolved = new WeakMap<AnyStateMachine, Map<string, AnyMachineSnapshot>>();

  register(key: string, machine: AnyStateMachine): void {
    this.machines.set(key, machine);
  }

  get(key: string): AnyStateMachine {
    const m = this.machines.get(key);
    if (!m) throw new Error(`no machine registered as '${key}': a stored actor needs it (was a workflow removed?)`);
    return m;
  }

  /** Whether a machine is a compiled workflow (starts in `__new` and needs `entity.created`). */
  startsNew(key: string): boolean {
    return (this.get(key).config as { initial?: unknown }).initial === ENTITY_NEW_STATE;
  }

  /** The machine new orders start on when no workflow is selected. */
  get defaultOrderMachine(): string {
    return this.orderDefault;
  }

  set defaultOrderMachine(key: string) {
    this.get(key);
    this.orderDefault = key;
  }
}
