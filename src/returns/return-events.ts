import { DomainError } from '../domain/errors.js';
import { pendingRefund, type Refund } from '../domain/refunds.js';
import { inspectionOf, refurbishmentOf, type ReturnBooks } from '../domain/return-lines.js';
import { acceptedEvents, checkExternalEvent, deliverEvent, openEntity, type Committed, type Engine } from '../engine/index.js';

type Check = (b: ReturnBooks & { refunds?: Refund[] }, event: Record<string, unknown>) => { problems: unknown[] } | { ok: unknown };

/** A refund answer must name the refund waiting for it (or none: then it is that one). */
const refundAnswer: Check = (b, event) => {
  const pending = pendingRefund(b.refunds ?? []);
  if (!pending) return { problems: [{ path: 'type', message: 'no refund of this return is waiting for an answer' }] };
  if (event.refundId !== undefined && event.refundId !== pending.id) {
    return { problems: [{ path: 'refundId', message: `the refund waiting for an answer is ${pending.id}` }] };
  }
  return { ok: pending };
};

/** What each return event carries, checked against the return's books before it is delivered. */
const CHECKS: Record<string, Check> = {
  inspected: inspectionOf,
  'refurbishment.completed': refurbishmentOf,
  'refund.completed': refundAnswer,
  'refund.failed': refundAnswer,
  'refund.retry': (b) => {
    const pending = pendingRefund(b.refunds ?? []);
    return pending ? { problems: [{ path: 'type', message: `refund ${pending.id} is still waiting for an answer` }] } : { ok: true };
  },
};

/**
 * Sends an event to a return (`POST /returns/:id/events`). An event the return takes in its state has its
 * lines checked first against what the return holds (units received and not inspected, units in
 * refurbishment, the refund waiting for an answer): a refusal names what is at fault and changes nothing,
 * where the bricks would otherwise act on what fits. An event the return does not take now is refused with
 * the events it does take. A refund answer repeated for a refund already answered the same way is accepted
 * and changes nothing (payment systems retry), even once the return has closed.
 */
export function sendReturnEvent({ engine }: { engine: Engine }, id: string, event: { type: string; [k: string]: unknown }, by = 'system'): Committed<{ kind: 'return'; id: string }> {
  checkExternalEvent(event.type);
  return engine.run((step) => {
    if (typeof event.refundId === 'string' && (event.type === 'refund.completed' || event.type === 'refund.failed')) {
      const known = engine.entityState('return', id);
      const refunds = ((known?.state.context as { refunds?: Refund[] } | undefined)?.refunds ?? []);
      const refund = refunds.find((r) => r.id === event.refundId);
      if (known && !refund) throw new DomainError('not_found', `return ${id} has no refund '${event.refundId}'`, [{ path: 'refundId', message: 'unknown refund' }]);
      const answered = event.type === 'refund.completed' ? 'completed' : 'failed';
      if (refund && refund.status === answered) return { kind: 'return', id };
      if (refund && refund.status !== 'requested') {
        throw new DomainError('invalid_state', `refund ${refund.id} was already answered: ${refund.status}`, [{ path: 'refundId', message: `already ${refund.status}` }]);
      }
    }
    const entry = openEntity(engine, 'return', id);
    // A return is received where routing sent it unless the event names another location.
    const routedTo = (entry.snapshot.context as { routedTo?: string }).routedTo;
    if (event.type === 'received' && event.location === undefined && routedTo !== undefined) event = { ...event, location: routedTo };
    if (event.type === 'received' && event.location === undefined && acceptedEvents(entry.snapshot).includes('received')) {
      throw new DomainError('invalid_request', `return ${id} was not routed to a location: say where it was received`, [{ path: 'location', message: 'required' }]);
    }
    const check = CHECKS[event.type];
    if (check && acceptedEvents(entry.snapshot).includes(event.type)) {
      const planned = check(entry.snapshot.context as ReturnBooks, event);
      if ('problems' in planned) throw new DomainError('invalid_request', `return ${id} cannot take this '${event.type}'`, planned.problems as never);
    }
    deliverEvent(engine, step, entry, event);
    return { kind: 'return', id };
  }, by);
}
