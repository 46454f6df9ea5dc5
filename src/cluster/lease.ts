import type { KV } from '@nats-io/kv';
import { LEASE_KEY } from './batch.js';

/** Who leads, as the lease records it: followers forward writes to `url`. */
export interface LeaderInfo {
  node: string;
  url: string;
}

/**
 * Leadership as a lease in a JetStream KV bucket whose entries expire `ttlMs` after their last write (the
 * bucket's max age, enforced by the servers). It is taken with `create` (refused while an entry exists) and
 * renewed with `update` on the revision this node last wrote (refused once anyone else wrote), so two nodes
 * can never both renew it.
 *
 * Timing: the servers expire an entry `ttlMs` after they stored it, which is after this node sent it. This
 * node counts its lease from the moment it sent the request and gives it up `marginMs` before `ttlMs` has
 * passed, so it has stopped deciding before the entry can have expired anywhere (clock rates, not clocks,
 * need to agree; a frozen process re-checks before every command).
 */
export class LeaderLease {
  private revision: number | undefined;
  private taken = 0;
  private validUntil = 0;

  constructor(
    private readonly kv: KV,
    private readonly me: LeaderInfo,
    readonly ttlMs: number,
    private readonly marginMs: number,
  ) {}

  /** True while this node holds the lease and may decide (checked before every command). */
  get held(): boolean {
    return this.revision !== undefined && performance.now() < this.validUntil;
  }

  /** The revision this node took the lease at: its term, stamped on every batch it appends. */
  get term(): number {
    return this.taken;
  }

  /** Takes the lease when no one holds it; false when someone does. */
  async acquire(): Promise<boolean> {
    const sent = performance.now();
    try {
      this.revision = await this.kv.create(LEASE_KEY, JSON.stringify(this.me));
      this.taken = this.revision;
    } catch (e) {
      if (isWrongRevision(e)) return false;
      throw e;
    }
    this.validUntil = sent + this.ttlMs - this.marginMs;
    return true;
  }

  /** Renews the lease; false once someone else holds it (the lease is then given up for good). */
  async renew(): Promise<boolean> {
    if (this.revision === undefined) return false;
    const sent = performance.now();
    try {
      this.revision = await this.kv.update(LEASE_KEY, JSON.stringify(this.me), this.revision);
    } catch (e) {
      if (isWrongRevision(e)) {
        this.revoke();
        return false;
      }
      throw e;
    }
    this.validUntil = sent + this.ttlMs - this.marginMs;
    return true;
  }

  /** Gives the lease up locally (it expires in the bucket by itself). */
  revoke(): void {
    this.revision = undefined;
    this.validUntil = 0;
  }

  /** Who holds the lease now, as the bucket says; undefined when no one does. */
  async holder(): Promise<LeaderInfo | undefined> {
    const entry = await this.kv.get(LEASE_KEY);
    if (!entry || entry.operation !== 'PUT' || entry.length === 0) return undefined;
    return entry.json<LeaderInfo>();
  }
}

function isWrongRevision(e: unknown): boolean {
  return e instanceof Error && /wrong last sequence|key exists/i.test(e.message);
}
