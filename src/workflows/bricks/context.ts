import { z } from 'zod';
import { defineRule } from '../rule.js';

export const setStatus = defineRule({
  name: 'setStatus',
  description: 'Sets the status label clients see (the state name is used when none is set).',
  params: z.strictObject({ status: z.string().min(1).max(100) }),
  run: ({ params }, api) => api.set('status', params.status),
});

export const setAttribute = defineRule({
  name: 'setAttribute',
  description: 'Sets one attribute of the entity (e.g. giftWrapped: true).',
  params: z.strictObject({ key: z.string().min(1).max(100), value: z.unknown() }),
  run: ({ params }, api) => api.setAttribute(params.key, params.value),
});

export const awaitEvent = defineRule({
  name: 'awaitEvent',
  description: 'Parks the entity until another system sends the named event (the state must handle it).',
  params: z.strictObject({ event: z.string().min(1).max(100) }),
  awaits: (p) => [p.event],
  run: ({ params }, api) => api.set('awaiting', params.event),
});
