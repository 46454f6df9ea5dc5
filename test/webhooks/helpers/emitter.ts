import { assign, emit, setup } from 'xstate';
import type { Committed } from '../../../src/engine/index.js';
import type { Fulcrum } from '../../../src/fulcrum/index.js';

/** The catalog key of the test-only machine that emits webhook effects. */
export const EMITTER_MACHINE = 'test/webhook-emitter@1';

interface EmitterContext {
  id: string;
  sent: number;
}

/**
 * A test-only entity machine (run as a `transfer`): every `notify` event emits one webhook effect, the way a
 * workflow's sendWebhook rule does, so tests go through the engine's real path: step -> effect -> outbox.
 */
export const emitterMachine = setup({
  types: {} as {
    context: EmitterContext;
    events: { type: 'notify'; event: string; data: unknown };
    emitted: { type: 'webhook'; event: string; data: unknown };
  },
}).createMachine({
  id: 'webhook-emitter',
  initial: 'open',
  context: { id: '', sent: 0 },
  states: {
    open: {
      on: {
        notify: {
          actions: [assign({ sent: ({ context }) => context.sent + 1 }), emit(({ event }) => ({ type: 'webhook' as const, event: event.event, data: event.data }))],
        },
      },
    },
  },
});

/** Registers the emitter machine; pass as `openEngine({prepare})` so recovery can rehydrate its entities. */
export function registerEmitter(fulcrum: Fulcrum): void {
  fulcrum.engine.machines.register(EMITTER_MACHINE, emitterMachine);
}

/** Runs one step in which entity `id` emits the given events (created on first use); subject `transfer/<id>`. */
export function emitEvents(fulcrum: Fulcrum, id: string, events: Array<{ event: string; data?: unknown }>): Committed<void> {
  return fulcrum.engine.run((step) => {
    const initial: EmitterContext = { id, sent: 0 };
    const entry = fulcrum.engine.registry.entities('transfer').get(id) ?? fulcrum.engine.createEntity(step, 'transfer', EMITTER_MACHINE, 'open', initial);
    for (const e of events) fulcrum.engine.send(step, entry, { type: 'notify', event: e.event, data: e.data ?? null });
  });
}
