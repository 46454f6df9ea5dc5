import { DomainError } from '../../src/domain/errors.js';

/** Runs a command that must be refused and returns its DomainError (any other outcome fails the test). */
export function refusal(fn: () => unknown): DomainError {
  try {
    fn();
  } catch (e) {
    if (e instanceof DomainError) return e;
    throw e;
  }
  throw new Error('expected a refusal');
}
