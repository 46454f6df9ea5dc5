import { DomainError } from '../domain/errors.js';
import { inspectionOf, refurbishmentOf, type ReturnBooks } from '../domain/return-lines.js';
import { acceptedEvents, checkExternalEvent, deliverEvent, openEntity, type Committed, type Engine } from '../engine/index.js';

/** What each return event carries, checked against the return's books before it is delivered. */
const CHECKS: Record<string, (b: ReturnBooks, event: Record<string, unknown>) => { problems: unknown[] } | { ok: unknown }> = {
  inspected: inspectionOf,
  'refurbishment.completed': refurbishmentOf,
};

/**
 * Sends an event to a return (`POST /returns/:id/events`). An event the return takes in its state has its
 * lines checked first against what the return holds (units received and not inspected, units in
 * refurbishment): a refusal names every line at fault and changes nothing, where the bricks would otherwise
 * act on what fits. An event the return does not take now is refused with the events it does take.
 */
export function sendReturnEvent({ engine }: { engine: Engine }, id: string, event: { type: string; [k: string]: unknown }, by = 'system'): Committed<{ kind: 'return'; id: string }> {
  checkExternalEvent(event.type);
  return engine.run((step) => {
    const entry = openEntity(engine, 'return', id);
    const check = CHECKS[event.type];
    if (check && acceptedEvents(entry.snapshot).includes(event.type)) {
      const planned = check(entry.snapshot.context as ReturnBooks, event);
      if ('problems' in planned) throw new DomainError('invalid_request', `return ${id} cannot take this '${event.type}'`, planned.problems as never);
    }
    deliverEvent(engine, step, entry, event);
    return { kind: 'return', id };
  }, by);
}
