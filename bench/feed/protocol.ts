/** Messages between the feed benchmark's coordinator and its processes, both directions, in one place. */

/** To a subscriber process: open clients, measure, close. */
export type ToSubscribers =
  /**
   * Opens `count` clients, each with a feed connection to Fulcrum and, if given, one to the plain broadcaster.
   * `skus` omitted subscribes to the whole pool. `group` labels them in reports (default `default`). `track`
   * lists the SKUs whose latest value each client keeps (default: the subscribed SKUs). A `stall` client stops
   * reading (pauses its socket) on the `stall` command, until `resume`.
   */
  | { t: 'connect'; fulcrum: string; key: string; subscribe: { pool: string; skus?: string[] }; plain?: string; count: number; group?: string; track?: string[]; stall?: boolean }
  /** Starts counting deliveries and logging each client's (seq, arrival). */
  | { t: 'measure-start' }
  /** Ends the rate count (the log goes on, for values still on their way). */
  | { t: 'measure-stop' }
  /** The server's commits while measuring: seqs ascending, with their commit times (epoch ms). */
  | { t: 'staleness'; seqs: number[]; times: number[] }
  /** Per group: the values clients hold for `skus`, open clients and close codes seen. */
  | { t: 'finals'; skus: string[] }
  /** Clients connected with `stall` stop reading. */
  | { t: 'stall' }
  /** Stalled clients read again. */
  | { t: 'resume' }
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
  /** Last ats each open client holds for its first subscribed SKU. */
  finalAts: number[];
  closes: Record<string, number>;
  /** The same staleness and undelivered count per group (clients not reading left out everywhere). */
  groups: Record<string, { staleness: number[]; undelivered: number }>;
}

/** One group of clients at the end: what they hold and how many are still open. */
export interface GroupFinals {
  clients: number;
  open: number;
  /** Close codes seen by the clients, with counts. */
  closes: Record<string, number>;
  /** Per SKU asked for: value held -> clients holding it (open clients only; `none` for no value). */
  values: Record<string, Record<string, number>>;
  /** Lowest ats any client of the group received for any SKU. */
  minAts: number;
  /** Stock messages the group received, all clients together. */
  messages: number;
}

export type FromSubscribers =
  | { t: 'connected'; open: number; failed: number; firstError?: string }
  | { t: 'rate'; report: RateReport }
  | { t: 'staleness'; report: StalenessReport }
  | { t: 'finals'; groups: Record<string, GroupFinals> }
  | { t: 'resumed' }
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
