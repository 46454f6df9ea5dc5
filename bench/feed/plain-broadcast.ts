import { monitorEventLoopDelay } from 'node:perf_hooks';
import { WebSocketServer } from 'ws';
import type { FromBenchServer, ToBenchServer } from './protocol.js';

/**
 * The feed benchmark's baseline: a plain `ws` server that broadcasts one pre-built frame to every client,
 * the textbook `for (const c of wss.clients) c.send(frame)`, once per `everyMs` (or as soon as the previous
 * pass is done, if that takes longer): the cadence of Fulcrum's coalescing window, with none of its work.
 */
const frame = Buffer.from(JSON.stringify({ type: 'stock', pool: 'default', sku: 'HOT-1', ats: 99_999_999, seq: 123_456, ts: Date.now() }));
const wss = new WebSocketServer({ port: 0, host: '127.0.0.1', perMessageDeflate: false });
const delay = monitorEventLoopDelay({ resolution: 1 });
delay.enable();
let timer: NodeJS.Timeout | undefined;
let passes = 0;
let sends = 0;

wss.on('listening', () => {
  const { port } = wss.address() as { port: number };
  console.log(`plain: listening on http://127.0.0.1:${port}`);
});

function pass(everyMs: number): void {
  const started = Date.now();
  for (const c of wss.clients) c.send(frame);
  passes++;
  sends += wss.clients.size;
  timer = setTimeout(() => pass(everyMs), Math.max(0, started + everyMs - Date.now()));
}

const ms = (ns: number) => ns / 1e6;
process.on('message', (m: ToBenchServer) => {
  if (m.t === 'broadcast-start') {
    passes = 0;
    sends = 0;
    pass(m.everyMs);
  } else if (m.t === 'broadcast-stop') {
    clearTimeout(timer);
    process.send!({ t: 'broadcast-done', passes, sends } satisfies FromBenchServer);
  } else if (m.t === 'loop-reset') delay.reset();
  else if (m.t === 'loop-read') process.send!({ t: 'loop', p50: ms(delay.percentile(50)), p99: ms(delay.percentile(99)), max: ms(delay.max) } satisfies FromBenchServer);
});
process.on('SIGTERM', () => wss.close(() => process.exit(0)));
