import { setTimeout as sleep } from 'node:timers/promises';
import { batchId, decodeBatch, encodeBatch, type Batch } from './batch.js';

/** What a takeover needs of the journal stream (JetStream in a node; a fake in the tests). */
export interface TakeoverStream {
  /** The stream's last sequence. */
  lastSeq(): Promise<number>;
  /** The message at `seq`, or null when the stream does not hold it. */
  message(seq: number): Promise<{ seq: number; data: Uint8Array } | null>;
  /** Appends `data` with message id `msgID`, expecting the stream's last sequence to be `lastSequence`; returns its sequence. */
  append(data: Uint8Array, msgID: string, lastSequence: number): Promise<number>;
}

export interface FenceOptions {
  stream: TakeoverStream;
  node: string;
  /** The lease revision just taken: the new leader's term. */
  term: number;
  /** The last sequence this node applied. */
  applied(): number;
  /** Applies one message of the stream (the follower's path). */
  apply(seq: number, batch: Batch): void;
  /** Whether this node still holds the lease. */
  held(): boolean;
  log(message: string): void;
  /** The pause before trying again after NATS failed (not after "someone appended first"). */
  retryMs?: number;
}

/** The fencing marker a takeover appended: its message id (the next append expects it) and its sequence. */
export interface Fence {
  marker: string;
  seq: number;
}

/**
 * The stream side of a takeover: applies the stream to its end, then appends an empty batch expecting that
 * end as the stream's last sequence. Once it is stored, every append the previous leader still had in flight
 * is refused (fencing). Returns undefined when the lease lapsed first.
 *
 * Retries: someone appended first ("wrong last sequence"): catch up again. Anything else is NATS between
 * leaders (a stream or meta leader being elected answers "jetstream is not enabled", a request times out):
 * try again while the lease holds. A marker that was stored although its ack was lost is caught up with like
 * any other message; nothing was acknowledged on it. A missing message is not retried: the stream lost it.
 */
export async function fenceStream(options: FenceOptions): Promise<Fence | undefined> {
  const { stream } = options;
  for (;;) {
    if (!options.held()) return undefined;
    let missing: Error | undefined;
    try {
      const last = await stream.lastSeq();
      while (options.applied() < last) {
        const m = await stream.message(options.applied() + 1);
        if (!m) throw (missing = new Error(`journal stream message ${options.applied() + 1} is missing`));
        options.apply(m.seq, decodeBatch(m.data));
      }
      const expect = options.applied();
      const marker = batchId(options.node, options.term, expect + 1);
      const seq = await stream.append(encodeBatch({ term: options.term, node: options.node, entries: [], writes: [] }), marker, expect);
      return { marker, seq };
    } catch (e) {
      if (e === missing) throw e;
      if (!/wrong last sequence/i.test((e as Error).message)) {
        options.log(`taking over: ${(e as Error).message}; trying again`);
        await sleep(options.retryMs ?? 200);
      }
    }
  }
}
