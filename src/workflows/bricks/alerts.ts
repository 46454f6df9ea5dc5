import { z } from 'zod';
import { defineRule } from '../rule.js';

export const raiseAlert = defineRule({
  name: 'raiseAlert',
  description: 'Raises an alert about this entity (one open alert per type and entity).',
  params: z.strictObject({
    alert: z.string().min(1).max(100),
    severity: z.enum(['info', 'warning', 'critical']).default('warning'),
    message: z.string().min(1).max(500),
  }),
  run: ({ params }, api) => api.emit({ type: 'alert.raise', alert: params.alert, severity: params.severity, message: params.message }),
});

export const resolveAlerts = defineRule({
  name: 'resolveAlerts',
  description: "Resolves this entity's open alerts (of one type, or all).",
  params: z.strictObject({ alert: z.string().min(1).max(100).optional() }),
  run: ({ params }, api) => api.emit(params.alert !== undefined ? { type: 'alert.resolve', alert: params.alert } : { type: 'alert.resolve' }),
});
