import { DomainError } from '../domain/errors.js';

/** A quantity status and whether units in it count toward availability (and so may be reserved). */
export interface StatusDefinition {
  name: string;
  countsTowardAvailability: boolean;
  description?: string;
}

/** The statuses every network has. `sellable` always counts; the others start as non-selling. */
export const BUILT_IN_STATUSES: ReadonlyArray<StatusDefinition> = [
  { name: 'sellable', countsTowardAvailability: true, description: 'on the shelf, ready to sell' },
  { name: 'damaged', countsTowardAvailability: false, description: 'not fit to sell' },
  { name: 'quality_check', countsTowardAvailability: false, description: 'waiting for inspection' },
  { name: 'in_transit', countsTowardAvailability: false, description: 'moving between locations' },
  { name: 'refurbished', countsTowardAvailability: false, description: 'repaired, not yet released to sale' },
  { name: 'returns_received', countsTowardAvailability: false, description: 'returned by a customer, waiting for inspection' },
  { name: 'refurbishing', countsTowardAvailability: false, description: 'a returned unit being refurbished' },
];

/** The statuses stock may be in, with the ones that count toward availability in a stable order. */
export class StatusCatalog {
  private readonly defs = new Map<string, StatusDefinition>(BUILT_IN_STATUSES.map((d) => [d.name, d]));
  /** Non-sellable statuses that count, sorted by name: reservations draw from them in this order. */
  private countingCache: string[] = [];

  get(name: string): StatusDefinition | undefined {
    return this.defs.get(name);
  }

  has(name: string): boolean {
    return this.defs.has(name);
  }

  all(): StatusDefinition[] {
    return [...this.defs.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  /** Statuses other than `sellable` whose units count toward availability. */
  get counting(): ReadonlyArray<string> {
    return this.countingCache;
  }

  /** Adds or redefines a status; returns whether its counting changed. */
  set(def: StatusDefinition): boolean {
    if (def.name === 'sellable' && !def.countsTowardAvailability) {
      throw new DomainError('invalid_request', 'sellable always counts toward availability', [{ path: 'countsTowardAvailability', message: 'must be true for sellable' }]);
    }
    const before = this.defs.get(def.name)?.countsTowardAvailability;
    this.defs.set(def.name, def);
    this.countingCache = [...this.defs.values()].filter((d) => d.name !== 'sellable' && d.countsTowardAvailability).map((d) => d.name).sort();
    return before !== def.countsTowardAvailability;
  }
}
