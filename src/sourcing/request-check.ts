import { DomainError, type ErrorDetail } from '../domain/errors.js';
import type { SourcingRequest } from './types.js';

/**
 * Checks the invariants the optimizer relies on (positive integer quantities, a real destination, a
 * parseable decision time). Cheap by design: the HTTP layer validates the order's shape first.
 */
export function assertSourcingRequest(request: SourcingRequest): void {
  const details: ErrorDetail[] = [];
  if (!Array.isArray(request.lines) || request.lines.length === 0) {
    details.push({ path: 'lines', message: 'must list at least one line' });
  } else {
    for (let i = 0; i < request.lines.length; i++) {
      const line = request.lines[i]!;
      if (typeof line.sku !== 'string' || line.sku.length === 0) details.push({ path: `lines[${i}].sku`, message: 'must be a non-empty string' });
      if (!Number.isSafeInteger(line.qty) || line.qty <= 0) details.push({ path: `lines[${i}].qty`, message: 'must be an integer > 0' });
    }
  }
  const to = request.deliverTo;
  if (!(Math.abs(to?.lat) <= 90)) details.push({ path: 'deliverTo.lat', message: 'must be a latitude in [-90, 90]' });
  if (!(Math.abs(to?.lon) <= 180)) details.push({ path: 'deliverTo.lon', message: 'must be a longitude in [-180, 180]' });
  if (typeof to?.country !== 'string' || to.country.length === 0) details.push({ path: 'deliverTo.country', message: 'must be a country code' });
  if (typeof request.now !== 'string' || Number.isNaN(Date.parse(request.now))) {
    details.push({ path: 'now', message: 'must be an ISO-8601 timestamp' });
  }
  const max = request.split?.maxShipments;
  if (max !== undefined && (!Number.isSafeInteger(max) || max < 1)) {
    details.push({ path: 'split.maxShipments', message: 'must be an integer >= 1' });
  }
  if (details.length > 0) {
    throw new DomainError('invalid_request', `invalid sourcing request: ${details[0]!.path}: ${details[0]!.message}`, details);
  }
}
