import { checkVersion, SCHEMA_VERSION } from '../../../snapshots/index.js';
import { DomainError } from '../../domain/errors.js';
import type { PluginRegistry } from '../extension-registry.js';
import type { Committed, Engine } from '../../engine/index.js';
import { defaultSourcingProfileDocument } from '../default-profile.js';
import { parseSourcingProfile, type SourcingProfile } from '../profile.js';
import type { SourcingProfileDocument } from '../profile-schema.js';
import type { Sourcing } from './sourcing.js';

/** One version of a sourcing profile: drafts can be activated; exactly one version of all profiles is active. */
export interface SourcingProfileVersion {
  version: number;
  status: 'draft' | 'active' | 'retired';
  createdAt: string;
  activatedAt?: string;
  /** The validated document, defaults applied. */
  document: SourcingProfileDocument;
}

/** A sourcing profile with every version it ever had (orders and decisions name the version they used). */
export interface StoredSourcingProfile {
  id: string;
  versions: SourcingProfileVersion[];
}

const PROFILE_ID = /^[a-z0-9][a-z0-9_-]{0,63}$/;

/**
 * Sourcing profiles and their versions (`PUT /sourcing-profiles/:id`). Every new order and re-sourcing
 * uses the one active version, which the sourcing module holds parsed (`sourcing.profile`); activating a
 * version retires the one active before, whichever profile it belongs to. The default profile is
 * installed active on first start. Plugin parts are resolved against the server's plugins.
 */
export class SourcingProfiles {
  readonly #engine: Engine;
  readonly #sourcing: Sourcing;
  readonly #plugins: PluginRegistry;
  readonly #profiles = new Map<string, StoredSourcingProfile>();

  constructor({ engine, sourcing }: { engine: Engine; sourcing: Sourcing }, plugins: PluginRegistry) {
    this.#engine = engine;
    this.#sourcing = sourcing;
    this.#plugins = plugins;
  }

  /** Loads every stored profile and makes the active version the one sourcing uses; installs the default on first start. */
  load(now: string): Promise<void> {
    for (const { value } of this.#engine.store.sourcingProfiles.getRange()) {
      checkVersion('sourcing profile', value);
      const stored = value.doc as StoredSourcingProfile;
      this.#profiles.set(stored.id, stored);
    }
    const active = this.active();
    if (active) {
      this.#sourcing.profile = this.#parseStored(active.id, active.version);
      return Promise.resolve();
    }
    const created = this.put(defaultSourcingProfileDocument.id, defaultSourcingProfileDocument, now);
    const activated = this.activate(defaultSourcingProfileDocument.id, created.value.version, now);
    return Promise.all([created.durable, activated.durable]).then(() => undefined);
  }

  /**
   * Validates a document and stores it as the profile's next version, a draft. The server numbers
   * versions: the document's `id` and `version` may be left out, and must match when given. Nothing is
   * stored when anything is wrong (DomainError 'invalid_request' with the path of every problem).
   */
  put(id: string, input: unknown, now: string): Committed<SourcingProfileVersion> {
    if (!PROFILE_ID.test(id)) {
      throw new DomainError('invalid_request', 'the sourcing profile id in the path is not valid', [
        { path: 'id', message: 'must be 1-64 lower-case letters, digits, _ or -, starting with a letter or digit' },
      ]);
    }
    if (typeof input !== 'object' || input === null || Array.isArray(input)) {
      throw new DomainError('invalid_request', 'a sourcing profile must be a JSON object', [{ path: '(body)', message: 'must be an object' }]);
    }
    const stored = this.#profiles.get(id) ?? { id, versions: [] };
    const next = stored.versions.length + 1;
    const given = input as { id?: unknown; version?: unknown };
    if (given.id !== undefined && given.id !== id) {
      throw new DomainError('invalid_request', `the body names profile '${String(given.id)}' but the path '${id}'`, [{ path: 'id', message: `must be '${id}' or left out` }]);
    }
    if (given.version !== undefined && given.version !== next) {
      throw new DomainError('invalid_request', `versions are numbered by the server; this one will be ${next}`, [{ path: 'version', message: `must be ${next} or left out` }]);
    }
    const profile = parseSourcingProfile({ ...given, id, version: next }, this.#plugins);
    const version: SourcingProfileVersion = { version: next, status: 'draft', createdAt: now, document: profile.document };
    return { value: version, durable: this.#save({ ...stored, versions: [...stored.versions, version] }) };
  }

  /** Makes a version the one new orders are sourced with; the version active before is retired. */
  activate(id: string, version: number, now: string): Committed<StoredSourcingProfile> {
    const stored = this.#profiles.get(id);
    if (!stored) throw new DomainError('not_found', `no sourcing profile '${id}'`);
    if (!stored.versions.some((v) => v.version === version)) {
      throw new DomainError('not_found', `sourcing profile ${id} has no version ${version}`, [
        { path: 'version', message: `versions: ${stored.versions.map((v) => v.version).join(', ')}` },
      ]);
    }
    // Parsed before anything changes: a plugin the version needs may have been removed since it was stored.
    const profile = this.#parseStored(id, version);
    const previous = this.active();
    const writes: Promise<void>[] = [];
    if (previous && previous.id !== id) writes.push(this.#save(this.#retire(this.#profiles.get(previous.id)!)));
    const next: StoredSourcingProfile = {
      ...stored,
      versions: stored.versions.map((v) =>
        v.version === version ? { ...v, status: 'active', activatedAt: now } : v.status === 'active' ? { ...v, status: 'retired' } : v,
      ),
    };
    writes.push(this.#save(next));
    this.#sourcing.profile = profile;
    return { value: next, durable: Promise.all(writes).then(() => undefined) };
  }

  /** A profile with all its versions. */
  get(id: string): StoredSourcingProfile | undefined {
    return this.#profiles.get(id);
  }

  /** Every profile, by id. */
  list(): StoredSourcingProfile[] {
    return [...this.#profiles.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  /** The active profile version, if any. */
  active(): { id: string; version: number } | undefined {
    for (const p of this.#profiles.values()) {
      const v = p.versions.find((x) => x.status === 'active');
      if (v) return { id: p.id, version: v.version };
    }
    return undefined;
  }

  /** Parses a document that is not stored (a draft to preview) with the server's plugins. */
  parse(input: unknown): SourcingProfile {
    return parseSourcingProfile(input, this.#plugins);
  }

  #parseStored(id: string, version: number): SourcingProfile {
    const document = this.#profiles.get(id)?.versions.find((v) => v.version === version)?.document;
    try {
      return parseSourcingProfile(document, this.#plugins);
    } catch (e) {
      const why = e instanceof DomainError ? e.message : String(e);
      throw new DomainError('invalid_state', `sourcing profile ${id} v${version} no longer validates with the loaded plugins (${why})`, e instanceof DomainError ? e.details : []);
    }
  }

  #retire(stored: StoredSourcingProfile): StoredSourcingProfile {
    return { ...stored, versions: stored.versions.map((v) => (v.status === 'active' ? { ...v, status: 'retired' } : v)) };
  }

  #save(stored: StoredSourcingProfile): Promise<void> {
    this.#profiles.set(stored.id, stored);
    return this.#engine.journal.whenFlushed(this.#engine.store.sourcingProfiles.put(stored.id, { v: SCHEMA_VERSION, doc: stored }));
  }
}
