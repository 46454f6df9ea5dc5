import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { StoredOutboundEvent } from '../../snapshots/index.js';
import { postDelivery } from '../../src/integrations/webhooks/post-delivery.js';
import { startReceiver } from './helpers/receiver.js';

const event: StoredOutboundEvent = { id: '1.1', type: 'order.shipped', subject: 'order/o1', time: new Date(0).toISOString(), data: {} };

test('an attempt with no answer ends at its timeout, named as such; a stop aborts it at once', async () => {
  const r = await startReceiver(() => 'hang');
  try {
    const stop = new AbortController();
    const started = Date.now();
    const late = await postDelivery({ url: r.url, secret: 's', event, attempt: 1, timeoutMs: 150, stop: stop.signal, now: Date.now() });
    assert.equal(late, { ok: false, error: 'no response within 150 ms' });
    assert.ok(Date.now() - started < 2000, 'the timer fired');
    const pending = postDelivery({ url: r.url, secret: 's', event, attempt: 2, timeoutMs: 60_000, stop: stop.signal, now: Date.now() });
    setTimeout(() => stop.abort(), 50);
    assert.equal(await pending, { ok: false, error: 'aborted: the server was stopping' });
    assert.equal(await postDelivery({ url: r.url, secret: 's', event, attempt: 3, timeoutMs: 60_000, stop: stop.signal, now: Date.now() }), { ok: false, error: 'aborted: the server was stopping' });
  } finally {
    await r.close();
  }
});

test.run();
