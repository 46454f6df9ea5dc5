import { createActor, setup, type AnyMachineSnapshot, type AnyStateMachine } from 'xstate';
import { flatMacrostep } from './flat-macrostep.js';

/**
 * One event through a dormant entity's machine, without an actor: `machine.transition` with an inert
 * scope, as XState's own pure `transition()` does, but with the scope built once instead of an actor per
 * call. Starting an actor from a snapshot to deliver one event and stopping it again cost an order's intake
 * about a fifth of its time; the machines here are pure (state by `assign`, effects by `emit`), so nothing
 * else runs. Emitted events reach `onEmit` in order, after the transition, as an actor delivers them.
 * Returns the same snapshot when the event is not accepted. A flat machine (every compiled workflow) takes
 * `flatMacrostep`, which gives the same snapshot without XState's general microstep.
 */
export function dormantTransition(
  machine: AnyStateMachine,
  snapshot: AnyMachineSnapshot,
  event: { type: string },
  onEmit: (effect: { type: string }) => void,
): AnyMachineSnapshot {
  const deferred = SCOPE.deferred;
  const start = deferred.length;
  let next: AnyMachineSnapshot;
  try {
    next = flatMacrostep(machine, snapshot, event, SCOPE) ?? (machine.transition(snapshot, event as never, SCOPE as never) as AnyMachineSnapshot);
    currentEmit = onEmit;
    // Run what the transition deferred (emits), including what those defer in turn.
    for (let i = start; i < deferred.length; i++) deferred[i]!();
  } finally {
    deferred.length = start;
    currentEmit = IGNORE;
  }
  return next;
}

const IGNORE = (): void => undefined;

/**
 * A scope for a machine's pure transition with nothing running: `self` and `system` are a stand-in actor's
 * (nothing here sends, spawns or schedules), built-in actions (emit) defer their work to `deferred`, which
 * the caller runs after the transition, and an inline action runs at once, as in a running actor. @internal
 */
export function standInScope(emit: (effect: { type: string }) => void) {
  const self = createActor(setup({}).createMachine({}));
  const scope = {
    self,
    system: self.system,
    id: '',
    sessionId: '',
    logger: IGNORE,
    stopChild: IGNORE,
    deferred: [] as Array<() => void>,
    defer(fn: () => void): void {
      scope.deferred.push(fn);
    },
    emit,
    actionExecutor(action: { exec?: ((info: unknown, params: unknown) => void) | undefined; info: unknown; params: unknown }): void {
      action.exec?.(action.info, action.params);
    },
  };
  return scope;
}

let currentEmit: (effect: { type: string }) => void = IGNORE;
const SCOPE = standInScope((effect) => currentEmit(effect));
