import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { DeliverPolicy, jetstream, jetstreamManager, type ConsumerMessages, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import { connect } from '@nats-io/transport-node';

type NatsConnection = Awaited<ReturnType<typeof connect>>;
import { applyWrites, captureWrites, CLUSTER_APPLIED_KEY, CONFIGURATION_DATABASES, type Store } from '../../snapshots/index.js';
import { DomainError } from '../domain/errors.js';
import { applyReplicatedEntry, prepareToLead, type Engine, type WriteGate } from '../engine/index.js';
import { decodeBatch, JOURNAL_STREAM, JOURNAL_SUBJECT, LEASE_BUCKET, type Batch } from './batch.js';
import { LeaderLease, type LeaderInfo } from './lease.js';
import { trimJournal } from './journal-trim.js';
import { fenceStream } from './takeover.js';
import { Replicator } from './replicator.js';
import { SnapshotStore } from './snapshot-store.js';

export type ClusterRole = 'leader' | 'follower';

/** What the HTTP edge asks of the cluster: where writes go, how far this node has applied the stream. */
export interface ClusterView {
  readonly role: ClusterRole;
  /** The leader's URL (a follower forwards writes there); undefined between leaders. */
  leaderUrl(): string | undefined;
  /** The last stream sequence this node applied (a follower) or had acknowledged by a quorum (the leader). */
  appliedSeq(): number;
  /** Resolves true once `appliedSeq() >= seq`, false after `timeoutMs`. */
  waitForSeq(seq: number, timeoutMs: number): Promise<boolean>;
  /** What `/health/ready` reports: role, leader, applied sequence, lag. */
  status(): Record<string, unknown>;
  /**
   * Whether to send traffic here: the leader while it accepts writes; a follower once it applied the stream
   * as far as it reached when the follower started, and while it is not about to reopen its engine.
   */
  ready(): boolean;
}

/** What a server started in cluster mode is given: its role, the hooks its engine needs, the edge's view. */
export interface ClusterHooks {
  role: ClusterRole;
  /** Runs before recovery: installs the write gate and, on the leader, the replication of the journal. */
  prepare(engine: Engine): void;
  view: ClusterView;
}

/** The parts of a running server the node drives. */
export interface ServedNode {
  url: string;
  port: number;
  fulcrum: { engine: Engine };
  /** Starts what only the deciding node runs, once its engine's gate is open (a follower promoted in place). */
  lead(): Promise<void>;
  close(): Promise<void>;
}

export interface ClusterNodeOptions {
  natsUrls: string[];
  nodeId: string;
  dataDir: string;
  /** The port of the first start (0 picks one); later restarts of the server keep the port it got. */
  port: number;
  leaseTtlMs: number;
  publishTimeoutMs: number;
  /** How many journal appends may wait for their quorum acks at once. */
  publishWindow: number;
  /** A follower uploads a store snapshot this often (when the stream moved since the latest one). */
  snapshotIntervalMs: number;
  /** How many snapshots the object store keeps; the journal stream is trimmed behind the oldest of them. */
  snapshotsKept: number;
  /**
   * This node's store was restored from a backup (`--restore-from`) covering this journal stream sequence
   * (`clusterSeq`; null: the backup names none). It starts from that store when the stream still holds what
   * follows it, else from the latest snapshot.
   */
  restoredFrom?: { clusterSeq: number | null };
  /** Test-only negative control: acknowledge writes before the quorum holds them. */
  unsafeEarlyAck: boolean;
  /** Starts this node's HTTP server and engine in a role. */
  serve(hooks: ClusterHooks, port: number): Promise<ServedNode>;
  /** Runs each time this node becomes the leader, once it accepts writes (the demo network is loaded here). */
  onLeading?(served: ServedNode): Promise<void>;
  log(message: string): void;
}

/** The lease is given up this long before it can expire in the bucket. */
const LEASE_MARGIN_MS = 1000;
/** A follower looks for a vacant lease this often. */
const CANDIDATE_POLL_MS = 100;
/** A follower that applied configuration reopens its engine once no more has come for this long. */
const RELOAD_DEBOUNCE_MS = 300;

/**
 * One node of a Fulcrum cluster. It starts as a follower: it rebuilds its store from the journal stream
 * and keeps applying it (the recovery path: facts, never decisions). When the lease is vacant it takes it,
 * applies the stream to its end, appends an empty batch that fences off the previous leader, and reopens its
 * engine as the leader (recovery from its own store). A leader that cannot renew its lease in time, or whose
 * append the stream refuses, shuts its gate, discards its store (it may hold writes the stream never got) and
 * starts over as a follower.
 */
export class ClusterNode implements ClusterView {
  role: ClusterRole = 'follower';
  private nc!: NatsConnection;
  private js!: JetStreamClient;
  private jsm!: JetStreamManager;
  private lease!: LeaderLease;
  private served: ServedNode | undefined;
  private port: number;
  private applied = 0;
  private lag = 0;
  private leader: LeaderInfo | undefined;
  private replicator: Replicator | undefined;
  private leading = false;
  private following = 0;
  private messages: ConsumerMessages | undefined;
  private reloadTimer: NodeJS.Timeout | undefined;
  /** Role changes and reloads run one at a time. */
  private transition: Promise<void> = Promise.resolve();
  private stopped = false;
  private ticking: Promise<void> | undefined;
  private lastTakeoverMs: number | undefined;
  /** The stream's last sequence when this node (re)started following: it is not ready before applying it. */
  private catchUpTo = Infinity;
  private reloading = false;
  /**
   * Why the open engine's modules are behind its store: configuration applied since it opened (modules load
   * it at start). Set, a promotion reopens the engine instead of promoting it in place.
   */
  private staleConfig: string | undefined;
  private watchedAt = 0;
  private watchedApplied = -1;
  private stalls = 0;
  private snapshots!: SnapshotStore;
  private snapshotAt = performance.now();
  private snapshotting = false;

  constructor(private readonly options: ClusterNodeOptions) {
    this.port = options.port;
  }

  /** The node's HTTP URL once started. */
  get url(): string {
    return this.served?.url ?? '';
  }

  /** Connects to NATS, makes sure the stream and the lease bucket exist, and starts as a follower. */
  async start(): Promise<void> {
    const { options } = this;
    this.nc = await connect({ servers: options.natsUrls, name: `fulcrum-${options.nodeId}`, maxReconnectAttempts: -1, reconnectTimeWait: 250 });
    this.jsm = await until(() => jetstreamManager(this.nc, { timeout: 2000 }), 30_000, 'JetStream did not answer');
    this.js = jetstream(this.nc, { timeout: options.publishTimeoutMs });
    await until(() => this.ensureStream(), 30_000, 'the journal stream could not be created');
    const kv = await until(() => new Kvm(this.nc).create(LEASE_BUCKET, { ttl: options.leaseTtlMs, replicas: 3, history: 1 }), 30_000, 'the lease bucket could not be created');
    this.snapshots = await until(() => SnapshotStore.open(this.nc), 30_000, 'the snapshot store could not be created');
    if (options.restoredFrom) await this.startFromBackup(options.restoredFrom.clusterSeq);
    else await this.startOver();
    await this.open(this.followerHooks());
    this.port = this.served!.port;
    this.lease = new LeaderLease(kv, { node: options.nodeId, url: this.served!.url }, options.leaseTtlMs, LEASE_MARGIN_MS);
    this.follow();
    void this.tickLoop();
  }

  /** Stops following and leading, closes the server and the NATS connection. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.stopFollowing();
    if (this.reloadTimer) clearTimeout(this.reloadTimer);
    await this.ticking;
    await this.transition;
    this.leading = false;
    await this.served?.close();
    await this.nc.close();
  }

  leaderUrl(): string | undefined {
    if (this.role === 'leader') return this.served?.url;
    // A lease this node held before a restart names it until it expires: that is no leader to forward to.
    return this.leader?.node === this.options.nodeId ? undefined : this.leader?.url;
  }

  appliedSeq(): number {
    return this.role === 'leader' && this.replicator ? this.replicator.ackedSeq : this.applied;
  }

  async waitForSeq(seq: number, timeoutMs: number): Promise<boolean> {
    const deadline = performance.now() + timeoutMs;
    while (this.appliedSeq() < seq) {
      if (performance.now() >= deadline) return false;
      await sleep(5);
    }
    return true;
  }

  ready(): boolean {
    if (this.role === 'leader') return this.gateOpen();
    return this.applied >= this.catchUpTo && !this.reloading && this.reloadTimer === undefined;
  }

  status(): Record<string, unknown> {
    return {
      role: this.role,
      ready: this.ready(),
      node: this.options.nodeId,
      leader: this.role === 'leader' ? this.options.nodeId : (this.leader?.node ?? null),
      leaderUrl: this.leaderUrl() ?? null,
      appliedSeq: this.appliedSeq(),
      lag: this.role === 'leader' ? 0 : this.lag,
      ...(this.role === 'leader' ? { term: this.lease.term, acceptingWrites: this.gateOpen(), ...(this.replicator ? { replication: this.replicator.stats } : {}) } : {}),
      ...(this.lastTakeoverMs !== undefined ? { lastTakeoverMs: this.lastTakeoverMs } : {}),
    };
  }

  private async ensureStream(): Promise<void> {
    try {
      await this.jsm.streams.info(JOURNAL_STREAM);
    } catch {
      await this.jsm.streams.add({ name: JOURNAL_STREAM, subjects: [JOURNAL_SUBJECT], num_replicas: 3, max_msg_size: 8 * 1024 * 1024 });
    }
  }

  private gateOpen(): boolean {
    return this.role === 'leader' && this.leading && this.lease.held && !this.replicator?.failure;
  }

  private followerHooks(): ClusterHooks {
    const gate: WriteGate = {
      open: false,
      refusal: () => new DomainError('unavailable', 'this node is a follower: writes go to the leader'),
    };
    return {
      role: 'follower',
      view: this,
      prepare: (engine) => {
        engine.gate = gate;
      },
    };
  }

  private leaderHooks(replicator: Replicator): ClusterHooks {
    const node = this;
    const gate: WriteGate = {
      get open() {
        return node.gateOpen();
      },
      refusal: () => new DomainError('unavailable', 'this node is not the leader any more (its lease lapsed or the stream refused it); retry, the cluster is electing one'),
    };
    return {
      role: 'leader',
      view: this,
      prepare: (engine) => {
        engine.gate = gate;
        // A leader's store runs ahead of what the stream acknowledged: a copy of it must not claim a sequence.
        engine.store.meta.remove(CLUSTER_APPLIED_KEY).catch((e: unknown) => engine.fail(e as Error));
        engine.journal.replication = replicator;
        captureWrites(engine.store, () => (replicator.failure ? undefined : (w) => replicator.write(w)));
      },
    };
  }

  /** Applies the stream from the next sequence on, as it grows. */
  private follow(): void {
    const generation = ++this.following;
    void (async () => {
      while (generation === this.following && !this.stopped) {
        try {
          const { first_seq: first, last_seq: last } = (await this.jsm.streams.info(JOURNAL_STREAM)).state;
          if (this.catchUpTo === Infinity) this.catchUpTo = last;
          // Trimmed past what this node applied (it was away for longer than the kept snapshots span).
          if (this.applied + 1 < first) return void this.rebase(`the stream starts at ${first}, past the ${this.applied} this node applied`);
          const consumer = await this.js.consumers.get(JOURNAL_STREAM, { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: this.applied + 1 });
          if (generation !== this.following) return;
          this.messages = await consumer.consume();
          for await (const m of this.messages) {
            if (generation !== this.following) break;
            if (m.seq <= this.applied) continue;
            this.apply(m.seq, decodeBatch(m.data));
            this.lag = m.info.pending;
          }
        } catch (e) {
          if (generation === this.following) this.options.log(`following the journal stream failed (${(e as Error).message}); retrying`);
          await sleep(250);
        }
      }
    })();
  }

  private stopFollowing(): void {
    this.following++;
    const messages = this.messages;
    this.messages = undefined;
    void messages?.close().catch(() => undefined);
  }

  /** Applies one batch of the stream to this node's engine and store. */
  private apply(seq: number, batch: Batch): void {
    if (seq !== this.applied + 1) throw new Error(`journal stream message ${seq} arrived after ${this.applied}: a gap`);
    const reload = applyBatch(this.served!.fulcrum.engine, seq, batch);
    this.applied = seq;
    if (reload) {
      this.staleConfig = reload;
      this.scheduleReload(reload);
    }
  }

  /** Configuration lives in modules' memory, loaded at start: reopen the engine from disk to read it. */
  private scheduleReload(reason: string): void {
    if (this.reloadTimer) clearTimeout(this.reloadTimer);
    this.reloadTimer = setTimeout(() => {
      this.reloadTimer = undefined;
      this.serialize(async () => {
        if (this.role !== 'follower' || this.stopped) return;
        this.options.log(`reopening the engine to load its configuration (${reason})`);
        this.reloading = true;
        this.stopFollowing();
        await this.served!.close();
        await this.open(this.followerHooks());
        this.reloading = false;
        this.follow();
      });
    }, RELOAD_DEBOUNCE_MS);
  }

  /** Opens this node's engine and server from its store: its modules load the configuration stored there. */
  private async open(hooks: ClusterHooks): Promise<void> {
    this.staleConfig = undefined;
    this.served = await this.options.serve(hooks, this.port);
  }

  private serialize(fn: () => Promise<void>): Promise<void> {
    const next = this.transition.then(fn).catch((e: unknown) => {
      this.options.log(`a role change failed: ${(e as Error).stack ?? e}`);
      process.exit(70);
    });
    this.transition = next;
    return next;
  }

  private async tickLoop(): Promise<void> {
    while (!this.stopped) {
      this.ticking = this.tick().catch((e: unknown) => this.options.log(`lease: ${(e as Error).message}`));
      await this.ticking;
      await sleep(this.role === 'leader' ? Math.max(50, Math.floor(this.options.leaseTtlMs / 6)) : CANDIDATE_POLL_MS);
    }
  }

  private async tick(): Promise<void> {
    if (this.role === 'leader') {
      let renewed = false;
      try {
        renewed = await this.lease.renew();
      } catch (e) {
        this.options.log(`lease renewal failed: ${(e as Error).message}`);
      }
      if (!this.lease.held || this.replicator?.failure) await this.demote(renewed ? (this.replicator?.failure?.message ?? 'lease lost') : 'the lease could not be renewed in time');
      return;
    }
    this.leader = await this.lease.holder();
    await this.watchFollowing();
    void this.maybeSnapshot();
    if (this.leader || this.stopped) return;
    const started = performance.now();
    if (await this.lease.acquire()) await this.promote(started);
  }

  /**
   * Measures the lag against the stream's last sequence, once a second; a consumer that made no progress
   * while behind for two checks in a row (it can stall after NATS servers restart) is subscribed again.
   */
  private async watchFollowing(): Promise<void> {
    const now = performance.now();
    if (now - this.watchedAt < 1000 || this.reloading || this.reloadTimer) return;
    this.watchedAt = now;
    const last = (await this.jsm.streams.info(JOURNAL_STREAM)).state.last_seq;
    this.lag = Math.max(0, last - this.applied);
    if (this.lag > 0 && this.applied === this.watchedApplied) {
      if (++this.stalls >= 2) {
        this.options.log(`following stalled at ${this.applied} of ${last}; subscribing again`);
        this.stalls = 0;
        this.stopFollowing();
        this.follow();
      }
    } else {
      this.stalls = 0;
    }
    this.watchedApplied = this.applied;
  }

  /** Catches up with the stream, fences it, and reopens as the leader. */
  private promote(started: number): Promise<void> {
    return this.serialize(async () => {
      this.stopFollowing();
      if (this.reloadTimer) clearTimeout(this.reloadTimer);
      this.reloadTimer = undefined;
      const fence = await fenceStream({
        stream: {
          lastSeq: async () => (await this.jsm.streams.info(JOURNAL_STREAM)).state.last_seq,
          message: (seq) => this.jsm.streams.getMessage(JOURNAL_STREAM, { seq }),
          append: async (data, msgID, lastSequence) => (await this.js.publish(JOURNAL_SUBJECT, data, { msgID, expect: { lastSequence } })).seq,
        },
        node: this.options.nodeId,
        term: this.lease.term,
        applied: () => this.applied,
        apply: (seq, batch) => this.apply(seq, batch),
        held: () => this.lease.held,
        log: this.options.log,
      });
      if (!fence) return this.resumeFollowing('the lease lapsed while catching up');
      this.applied = fence.seq;
      const marker = fence.marker;
      const replicator = new Replicator({
        js: this.js,
        node: this.options.nodeId,
        term: this.lease.term,
        lastSeq: this.applied,
        lastMsgId: marker,
        publishTimeoutMs: this.options.publishTimeoutMs,
        maxInFlight: this.options.publishWindow,
        ...(this.nc.info?.max_payload ? { maxPayload: this.nc.info.max_payload } : {}),
        unsafeEarlyAck: this.options.unsafeEarlyAck,
        onLost: (e) => {
          this.options.log(`the journal stream refused an append (${e.message}): stepping down`);
          void this.demote(e.message);
        },
      });
      const how = this.staleConfig === undefined ? 'in place' : `reopened (${this.staleConfig})`;
      if (this.staleConfig === undefined) {
        this.leadInPlace(replicator);
      } else {
        await this.served!.close();
        this.replicator = replicator;
        this.role = 'leader';
        await this.open(this.leaderHooks(replicator));
      }
      const served = this.served!;
      // Reads go to the store (idempotency replies, passivated orders): the writes of the batches applied last
      // must be visible before the first command, or a repeated Idempotency-Key could run twice.
      await served.fulcrum.engine.store.root.committed;
      prepareToLead(served.fulcrum.engine);
      this.leading = true;
      await served.lead();
      this.lastTakeoverMs = Math.round(performance.now() - started);
      this.options.log(`leading (term ${this.lease.term}, stream at ${this.applied}, engine ${how}, took over in ${this.lastTakeoverMs} ms)`);
      await this.options.onLeading?.(served);
    });
  }

  /** A follower the stream was trimmed under starts over from the latest snapshot. */
  private rebase(reason: string): Promise<void> {
    this.stopFollowing();
    if (this.reloadTimer) clearTimeout(this.reloadTimer);
    this.reloadTimer = undefined;
    return this.serialize(async () => {
      if (this.role !== 'follower' || this.stopped) return;
      this.options.log(`starting over from the latest snapshot: ${reason}`);
      this.reloading = true;
      await this.served!.close();
      await this.startOver();
      this.catchUpTo = Infinity;
      await this.open(this.followerHooks());
      this.reloading = false;
      this.follow();
    });
  }

  /**
   * Starts from a store restored from a backup: a follower's copy holds exactly the stream up to `seq`, so
   * applying the stream after it gives the same state as any follower's. The stream must still hold what
   * follows `seq` (not trimmed past it), and reach it (a backup from another cluster's stream does not fit).
   */
  private async startFromBackup(seq: number | null): Promise<void> {
    const { first_seq: first, last_seq: last } = (await this.jsm.streams.info(JOURNAL_STREAM)).state;
    const unusable =
      seq === null ? 'it names no journal stream sequence (taken in one process, or on a leader)'
      : seq > last ? `it covers stream sequence ${seq}, the stream ends at ${last}: it is not from this cluster's stream`
      : seq + 1 < first ? `it covers stream sequence ${seq}, the stream was trimmed to start at ${first}`
      : undefined;
    if (unusable) {
      this.options.log(`not starting from the restored backup: ${unusable}; starting from the latest snapshot instead`);
      return this.startOver();
    }
    this.applied = seq!;
    this.options.log(`starting from the restored backup at stream sequence ${seq}; catching up from the stream after it`);
  }

  /**
   * Turns this follower's open engine into the leader's. It holds the state of every batch up to the fencing
   * marker (applied through the recovery path, as a reopen would rebuild it from the store) and the stored
   * configuration its modules loaded: reopening would only read the same state back, which took seconds
   * under load (issue 16's SIGSTOP rounds: 5.6 s takeovers).
   */
  private leadInPlace(replicator: Replicator): void {
    const engine = this.served!.fulcrum.engine;
    const hooks = this.leaderHooks(replicator);
    this.replicator = replicator;
    this.role = 'leader';
    hooks.prepare(engine);
  }

  private async resumeFollowing(reason: string): Promise<void> {
    this.options.log(`not leading: ${reason}`);
    this.follow();
  }

  /** Stops deciding at once, then discards this node's store and rebuilds it from the stream. */
  private demote(reason: string): Promise<void> {
    if (this.role !== 'leader') return this.transition;
    this.leading = false;
    this.lease.revoke();
    this.options.log(`stepping down: ${reason}`);
    return this.serialize(async () => {
      if (this.role !== 'leader') return;
      await this.served!.close();
      this.role = 'follower';
      this.replicator = undefined;
      this.options.log('discarding this node\'s store: rebuilding it from the latest snapshot and the journal stream as a follower');
      await this.startOver();
      this.catchUpTo = Infinity;
      await this.open(this.followerHooks());
      this.follow();
    });
  }

  /**
   * Replaces this node's store with the latest snapshot (or nothing): a node's state is whatever the stream
   * says, and a store left by a crash may hold writes the stream never acknowledged.
   */
  private async startOver(): Promise<void> {
    const path = join(this.options.dataDir, 'fulcrum.lmdb');
    rmSync(path, { force: true, recursive: true });
    rmSync(`${path}-lock`, { force: true });
    mkdirSync(this.options.dataDir, { recursive: true });
    const restored = this.jsm.streams.info(JOURNAL_STREAM).then(({ state }) => this.snapshots.restore(this.options.dataDir, state.last_seq));
    this.applied = await restored.catch((e: unknown) => {
      this.options.log(`no snapshot restored (${(e as Error).message}): applying the whole stream`);
      rmSync(path, { force: true });
      return 0;
    });
    if (this.applied > 0) this.options.log(`restored the snapshot at stream sequence ${this.applied}`);
  }

  /** Uploads a snapshot of this follower's store when the interval passed and the stream moved on since. */
  private async maybeSnapshot(): Promise<void> {
    if (this.snapshotting || !this.ready() || performance.now() - this.snapshotAt < this.options.snapshotIntervalMs) return;
    this.snapshotAt = performance.now();
    if ((await this.snapshots.latestSeq()) >= this.applied) return;
    this.snapshotting = true;
    const served = this.served!;
    try {
      const seq = await this.snapshots.write(served.fulcrum.engine.store, this.options.dataDir);
      this.options.log(`snapshot at stream sequence ${seq} written`);
      const trimmed = await trimJournal(this.jsm, this.snapshots, this.options.snapshotsKept);
      if (trimmed) this.options.log(`journal stream trimmed behind the oldest kept snapshot (${trimmed.oldestSnapshot}): ${trimmed.purged} messages purged`);
    } catch (e) {
      this.options.log(`snapshot failed: ${(e as Error).message}`);
    } finally {
      this.snapshotting = false;
    }
  }
}

/**
 * Applies one batch of the journal stream (stream sequence `seq`) to a follower's engine and store: its entries
 * through recovery's fact replay, its writes as they were. Returns why the engine must reopen to load
 * configuration, if it must.
 */
export function applyBatch(engine: Engine, seq: number, batch: Batch): string | undefined {
  let reload: string | undefined;
  batch.entries.forEach((entry, i) => {
    if (applyReplicatedEntry(engine, entry, batch.packedEntries?.[i]).createdLocation) reload = 'a new location';
  });
  if (batch.writes.length > 0) {
    applyWrites(engine.store as Store, batch.writes).catch((e: unknown) => engine.fail(e as Error));
    const config = batch.writes.find(([db]) => CONFIGURATION_DATABASES.has(db));
    if (config) reload = `${config[0]} changed`;
  }
  // In the same transaction as the batch: a snapshot of this store names the sequence it covers.
  engine.store.meta.put(CLUSTER_APPLIED_KEY, seq).catch((e: unknown) => engine.fail(e as Error));
  return reload;
}

/** Retries `fn` until it succeeds or `ms` have passed (JetStream elects its meta leader after start). */
async function until<T>(fn: () => Promise<T>, ms: number, what: string): Promise<T> {
  const deadline = performance.now() + ms;
  for (;;) {
    try {
      return await fn();
    } catch (e) {
      if (performance.now() > deadline) throw new Error(`${what} within ${ms} ms: ${(e as Error).message}`);
      await sleep(250);
    }
  }
}
