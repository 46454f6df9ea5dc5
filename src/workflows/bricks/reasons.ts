import { z } from 'zod';
import { defineRule } from '../rule.js';

export const recordReason = defineRule({
  name: 'recordReason',
  description: "Records why the entity ended (the event's `reason`, else a default) as cancelReason.",
  params: z.strictObject({ default: z.string().min(1).max(200).optional() }),
  run: ({ event, params }, api) => api.set('cancelReason', typeof event.reason === 'string' ? event.reason : params.default ?? event.type),
});
