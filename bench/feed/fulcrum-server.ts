import { monitorEventLoopDelay } from 'node:perf_hooks';
import { loadConfig } from '../../src/config.js';
import { startServer } from '../../src/server.js';
import type { FromBenchServer, ToBenchServer } from './protocol.js';

/**
 * Fulcrum for the feed benchmark: the real server (same flags as `main.ts`) plus two probes the coordinator
 * reads over IPC, never over the API: an event-loop delay monitor on the engine's thread (reset per phase;
 * `/metrics` reports it since start, seeding and 10,000 handshakes included), and the commit time of every
 * step with an availability change, taken by a listener like the feed's own, so that staleness can be
 * measured per commit (a group commit makes many seqs durable at the same instant).
 */
const config = loadConfig(process.argv.slice(2), process.env);
const server = await startServer(config);
const delay = monitorEventLoopDelay({ resolution: 1 });
delay.enable();
let recording = false;
let seqs: number[] = [];
let times: number[] = [];
server.fulcrum.engine.onCommitted((c) => {
  if (!recording || c.changes.length === 0) return;
  seqs.push(c.seq);
  times.push(Date.now());
});
console.log(`fulcrum: listening on ${server.url}`);

const ms = (ns: number) => ns / 1e6;
const reply = (m: FromBenchServer) => process.send!(m);
process.on('message', (m: ToBenchServer) => {
  if (m.t === 'loop-reset') delay.reset();
  else if (m.t === 'loop-read') reply({ t: 'loop', p50: ms(delay.percentile(50)), p99: ms(delay.percentile(99)), max: ms(delay.max) });
  else if (m.t === 'timeline-reset') {
    recording = true;
    seqs = [];
    times = [];
  } else if (m.t === 'timeline-read') {
    recording = false;
    reply({ t: 'timeline', seqs, times });
  }
});
process.on('SIGTERM', () => void server.close().then(() => process.exit(0)));
