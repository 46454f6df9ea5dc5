import { openFulcrum, type Fulcrum, type RunningFulcrum } from '../../../src/fulcrum/index.js';
import { Webhooks, type DeliverySettings } from '../../../src/integrations/webhooks/index.js';
import { registerEmitter } from './emitter.js';

export const SECRET = 'whsec_test_0123456789abcdef';

/** Fast delivery for tests: waits of a few ms, a short timeout, no jitter surprises in count. */
export const FAST: DeliverySettings = { baseDelayMs: 5, maxDelayMs: 20, timeoutMs: 1000 };

/** An engine on `dir` with the emitter machine and outbound webhooks wired as the server wires them. */
export interface WebhookWorld {
  fulcrum: Fulcrum;
  running: RunningFulcrum;
  webhooks: Webhooks;
  /** Stops delivery, then closes the engine and its store. */
  close(): Promise<void>;
}

/** Opens (recovering) the engine on `dir` and starts delivery, like `startServer` does. */
export function openWebhookWorld(dir: string, settings: DeliverySettings = {}): WebhookWorld {
  const running = openFulcrum({ dataDir: dir, prepare: registerEmitter, onFatal: (e) => { throw e; } });
  const webhooks = new Webhooks(running.fulcrum.engine, { ...FAST, ...settings });
  running.fulcrum.engine.outbox = webhooks.outbox;
  webhooks.start();
  return {
    fulcrum: running.fulcrum,
    running,
    webhooks,
    async close() {
      await webhooks.stop();
      await running.close();
    },
  };
}

/** Registers an endpoint and waits until it is durable. */
export async function addEndpoint(world: WebhookWorld, id: string, url: string, events: string[] = ['*'], enabled = true): Promise<void> {
  await world.webhooks.putEndpoint(id, { url, events, secret: SECRET, enabled }).durable;
}
