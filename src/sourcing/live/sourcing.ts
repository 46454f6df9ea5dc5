import type { Engine } from '../../engine/index.js';
import type { Stock } from '../../stock/index.js';
import { defaultSourcingProfile } from '../default-profile.js';
import type { SourcingProfile } from '../profile.js';
import { LocationLoad } from './location-load.js';
import { LookAhead } from './look-ahead.js';

/** What live sourcing reads: the engine, stock, and the sourcing module's own state. */
export interface SourcingPorts {
  readonly engine: Engine;
  readonly stock: Stock;
  readonly sourcing: Sourcing;
}

/**
 * Sourcing against live stock: the active profile new orders and re-sourcing use, and how busy each
 * location is (for the capacity filter and the load cost), kept current from every order change.
 */
export class Sourcing {
  /** The active sourcing profile; `SourcingProfiles` sets it when a version is activated. */
  profile: SourcingProfile = defaultSourcingProfile;
  /** Open and today's fulfilments per location. */
  readonly load: LocationLoad;
  /** Recent demand and the look-ahead LP's future values, for strategies with the look-ahead term. */
  readonly lookAhead: LookAhead;
  /** Told how long each solve took, in seconds (the `/metrics` histogram). */
  onSolved: ((seconds: number) => void) | undefined;

  constructor(engine: Engine) {
    this.load = new LocationLoad(engine);
    this.lookAhead = new LookAhead(engine);
    engine.onEntityChanged((entry, before, at) => {
      if (entry.kind !== 'order') return;
      this.load.orderChanged(before, entry.snapshot, at);
      this.lookAhead.orderChanged(before, entry.snapshot);
    });
  }
}
