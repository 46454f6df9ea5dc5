import type { Metrics } from '../http/index.js';
import type { FanOutStats } from './fan-out.js';
import type { FeedSourceStats } from './feed-source.js';

/** Registers the feed's gauges and counters on `/metrics` (summed over the feed processes), read at scrape time. */
export function registerFeedGauges(metrics: Metrics, source: () => FeedSourceStats, fanOut: () => FanOutStats): void {
  const g = (name: string, help: string, read: () => number) => (name.endsWith('_total') ? metrics.counter : metrics.gauge).call(metrics, `fulcrum_feed_${name}`, help, read);
  g('clients', 'Open feed connections.', () => fanOut().clients);
  g('clients_behind', 'Feed connections skipping values because they read too slowly.', () => fanOut().behind);
  g('windows_total', 'Coalescing windows that published updates.', () => source().windows);
  g('changes_total', 'Committed changes of watched keys, before coalescing.', () => source().changes);
  g('piece_encodes_total', 'Updates encoded: once per key per window per format, whatever the number of subscribers.', () => source().pieceEncodes);
  g('frames_sent_total', 'Update frames sent to clients.', () => fanOut().framesSent);
  g('messages_sent_total', 'Stock messages sent to clients (a frame may carry several).', () => fanOut().messagesSent);
  g('bytes_sent_total', 'Bytes of update frames sent.', () => fanOut().bytesSent);
  g('frame_builds_total', 'WebSocket frames built from encoded pieces: once per window per set of keys and format, whatever the clients.', () => fanOut().frameBuilds);
  g('snapshots_total', 'Subscriptions answered with a snapshot.', () => fanOut().snapshots);
  g('skips_total', 'Turns a slow client skipped.', () => fanOut().skips);
  g('closed_slow_total', 'Connections closed with 4008 (too slow).', () => fanOut().closedSlow);
  g('closed_dead_total', 'Connections cut off after a missed heartbeat.', () => fanOut().closedDead);
  g('closed_abuse_total', 'Connections closed with 4029 (too many messages or subscriptions).', () => fanOut().closedAbuse);
  g('protocol_errors_total', 'Connections ws closed for bad frames (bad UTF-8, oversized, bad framing).', () => fanOut().protocolErrors);
}
