import { z } from 'zod';
import { addDuration } from '../durations.js';
import { Duration } from '../definition.js';
import { defineGuard, defineRule } from '../rule.js';

/** Where SLA timers keep the alert they raise, per timer name. */
export type SlaTable = Record<string, { alert: string; message?: string }>;

export const startTimer = defineRule({
  name: 'startTimer',
  description:
    'Starts a timer. With `after`, the state handles `timer.fired` (guard timerIs). With warnAfter/escalateAfter it is an SLA: ' +
    'Fulcrum raises the alert as a warning, then as critical, unless cancelTimer runs first.',
  params: z
    .strictObject({
      name: z.string().regex(/^[a-z][a-z0-9-]{0,49}$/, 'timer names are lower-case letters, digits and -'),
      after: Duration.optional(),
      warnAfter: Duration.optional(),
      escalateAfter: Duration.optional(),
      alert: z.string().min(1).max(100).optional(),
      message: z.string().min(1).max(500).optional(),
    })
    .refine((p) => p.after !== undefined || p.warnAfter !== undefined || p.escalateAfter !== undefined, {
      error: 'give after, or warnAfter and/or escalateAfter',
    }),
  awaits: (p) => (p.after !== undefined ? ['timer.fired'] : []),
  run: ({ event, params, context }, api) => {
    if (params.after) api.startTimer(params.name, addDuration(event.at, params.after));
    if (params.warnAfter) api.startTimer(`${params.name}.warn`, addDuration(event.at, params.warnAfter));
    if (params.escalateAfter) api.startTimer(`${params.name}.escalate`, addDuration(event.at, params.escalateAfter));
    if (params.warnAfter || params.escalateAfter) {
      const sla: SlaTable = { ...((context.sla as SlaTable | undefined) ?? {}) };
      sla[params.name] = { alert: params.alert ?? `${params.name}-late`, ...(params.message ? { message: params.message } : {}) };
      api.set('sla', sla);
    }
  },
});

export const cancelTimer = defineRule({
  name: 'cancelTimer',
  description: 'Cancels a timer (and its SLA warning and escalation).',
  params: z.strictObject({ name: z.string().min(1).max(50) }),
  run: ({ params }, api) => {
    api.cancelTimer(params.name);
    api.cancelTimer(`${params.name}.warn`);
    api.cancelTimer(`${params.name}.escalate`);
  },
});

export const timerIs = defineGuard({
  name: 'timerIs',
  description: 'True when the event is the named timer firing.',
  params: z.strictObject({ name: z.string().min(1).max(50) }),
  test: ({ event, params }) => event.type === 'timer.fired' && event.name === params.name,
});
