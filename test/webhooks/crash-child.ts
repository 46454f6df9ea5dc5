/**
 * Child process for the webhook crash test: opens the engine on a data dir (recovering), makes sure endpoint
 * `erp` points at the receiver, then emits events in steps without pause while delivering, and prints
 * `durable <tag> ...` once each step's facts are flushed. The parent kills it with SIGKILL mid-stream.
 */
import { emitEvents } from './helpers/emitter.js';
import { addEndpoint, openWebhookWorld } from './helpers/world.js';

const [dir, url, round] = process.argv.slice(2) as [string, string, string];
const world = openWebhookWorld(dir, { baseDelayMs: 2, maxDelayMs: 10, maxAttempts: 1000, timeoutMs: 200 });
if (!world.webhooks.endpoints.get('erp')) await addEndpoint(world, 'erp', url);
console.log('ready');

let n = 0;
function burst(): void {
  for (let s = 0; s < 3; s++) {
    const tags = Array.from({ length: 1 + (n % 3) }, (_, k) => `r${round}-${n}-${k}`);
    const entity = `e${n % 7}`;
    n++;
    emitEvents(world.fulcrum, entity, tags.map((tag) => ({ event: 'order.shipped', data: { tag } }))).durable.then(
      () => console.log(`durable ${tags.join(' ')}`),
      () => undefined,
    );
  }
  setTimeout(burst, 2);
}
burst();
