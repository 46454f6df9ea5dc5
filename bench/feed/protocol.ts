/** Messages between the feed benchmark's coordinator and its processes, both directions, in one place. */

/** To a subscriber process: open clients, measure, close. */
export type ToSubscribers =
  /** Opens `count` clients, each with a feed connection to Fulcrum and, if given, one to the plain broadcaster. */
  | { t: 'connect'; fulcrum: string; key: string; subscribe: { pool: string; skus: string[] }; plain?: string; count: number }
  /** Starts counting deliveries and logging each client's (seq, arrival). */
  | { t: 'measure-start' }
  /** Ends the rate count (the log goes on, for values still on their way). */
  | { t: 'measure-stop' }
  /** The server's commits while measuring: seqs ascending, with their commit times (epoch ms). */
  | { t: 'staleness'; seqs: number[]; times: number[] }
  | { t: 'disconnect' };

/** Deliveries between `measure-start` and `measure-stop`. */
export interface RateReport {
  /** Stock messages from Fulcrum. */
  deliveries: number;
  /** Frames from the plain broadcaster. */
  plainDeliveries: number;
  seconds: number;
  /** Per delivered value: its commit (`ts`) to its arrival, 1 ms buckets. */
  lag: number[];
}

/** Per commit and client: commit to the arrival of that value or a newer one, 1 ms buckets. */
export interface StalenessReport {
  staleness: number[];
  /** (client, commit) pairs no delivery covered. */
  undelivered: number;
  /** Last ats each open client holds. */
  finalAts: number[];
  closes: Record<string, number>;
}

export type FromSubscribers =
  | { t: 'connected'; open: number; failed: number; firstError?: string }
  | { t: 'rate'; report: RateReport }
  | { t: 'staleness'; report: StalenessReport }
  | { t: 'disconnected' };

/** To a bench server (Fulcrum or the plain broadcaster). */
export type ToBenchServer =
  | { t: 'loop-reset' }
  | { t: 'loop-read' }
  /** Fulcrum: start recording each committed step's seq and commit time. */
  | { t: 'timeline-reset' }
  | { t: 'timeline-read' }
  | { t: 'broadcast-start'; everyMs: number }
  | { t: 'broadcast-stop' };

/** From a bench server: its event-loop delay since the last reset (ms), its commits, broadcast passes. */
export type FromBenchServer =
  | { t: 'loop'; p50: number; p99: number; max: number }
  | { t: 'timeline'; seqs: number[]; times: number[] }
  | { t: 'broadcast-done'; passes: number; sends: number };
