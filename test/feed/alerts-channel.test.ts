import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { KEYS, orderBody, seedHttp, startTestServer } from '../helpers/server.js';
import { FeedSocket } from './feed-socket.js';

for (const processes of [0, 1]) {
  test(`the alerts channel: a snapshot of open alerts, then each alert raised or changed (${processes} feed processes)`, async () => {
    const s = await startTestServer({ server: { feedProcesses: processes } });
    try {
      await seedHttp(s, { locations: { BER: [52.5, 13.4] }, skus: ['A'], stock: [['BER', 'A', 10]] });
      const first = (await s.call('POST', '/orders', orderBody('A', 1, { attributes: { giftWrap: true } }))).body;
      await s.call('POST', `/orders/${first.id}/events`, { type: 'payment.authorized' });
      const ops = await FeedSocket.open(s.url, { key: KEYS.ops });
      ops.send({ op: 'subscribe', channel: 'alerts', id: 'a1' });
      const snapshot = await ops.next((m) => m.type === 'snapshot');
      assert.is(snapshot.channel, 'alerts');
      assert.is(snapshot.id, 'a1');
      assert.equal(snapshot.items.map((a: any) => [a.alert, a.status]), [['gift-wrap-requested', 'open']]);

      const second = (await s.call('POST', '/orders', orderBody('A', 1, { attributes: { giftWrap: true } }))).body;
      await s.call('POST', `/orders/${second.id}/events`, { type: 'payment.authorized' });
      const raised = await ops.next((m) => m.type === 'alert');
      assert.equal([raised.alert.alert, raised.alert.entity, raised.alert.status], ['gift-wrap-requested', `order/${second.id}`, 'open']);
      await s.call('POST', `/alerts/${raised.alert.id}/acknowledge`);
      const acked = await ops.next((m) => m.type === 'alert');
      assert.is(acked.alert.status, 'acknowledged');
      assert.ok(acked.seq > raised.seq);

      const shop = await FeedSocket.open(s.url, { key: KEYS.storefront });
      shop.send({ op: 'subscribe', channel: 'alerts' });
      const refused = await shop.next((m) => m.type === 'error');
      assert.is(refused.error.type, 'forbidden');
      shop.send({ op: 'subscribe', channel: 'alerts', pool: 'default' });
      assert.is((await shop.next((m) => m.type === 'error')).error.type, 'invalid_request');
      ops.ws.close();
      shop.ws.close();
    } finally {
      await s.stop();
    }
  });
}

test.run();
