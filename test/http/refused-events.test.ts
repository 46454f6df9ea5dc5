import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { orderBody, seedHttp, startTestServer, type TestServer } from '../helpers/server.js';

/**
 * A refused order event says apart what may be sent to `POST /orders/:id/events` and the commands that have
 * an endpoint of their own (cancelling), so a refusal never lists as accepted what it just refused.
 */
const t = suite<{ s: TestServer }>('refused order events name the events and the endpoints that apply');

t.before(async (ctx) => {
  ctx.s = await startTestServer();
  await seedHttp(ctx.s, { locations: { BER: [52.5, 13.4] }, skus: ['A'], stock: [['BER', 'A', 10]] });
});
t.after(async (ctx) => ctx.s.stop());

t('"cancel" sent as an event points to the cancel endpoint and is not listed among the accepted events', async ({ s }) => {
  const order = (await s.call('POST', '/orders', orderBody('A', 1))).body;
  const r = await s.call('POST', `/orders/${order.id}/events`, { type: 'cancel' });
  assert.is(r.status, 409);
  assert.is(r.body.error.type, 'invalid_state');
  assert.is(r.body.error.message, `'cancel' is not an event order ${order.id} takes: to cancel, use POST /orders/${order.id}/cancel`);
  const [detail] = r.body.error.details;
  assert.is(detail.path, 'type');
  assert.equal(detail.accepted, ['payment.authorized', 'payment.failed']);
  assert.equal(detail.endpoints, [`POST /orders/${order.id}/cancel`]);
  assert.is(detail.message, `events accepted now: payment.authorized, payment.failed; endpoints that apply now: POST /orders/${order.id}/cancel`);
  assert.is((await s.call('GET', `/orders/${order.id}`)).body.status, 'awaiting_payment', 'the refusal changed nothing');
  assert.is((await s.call('POST', `/orders/${order.id}/cancel`, {})).status, 200, 'the endpoint it named does cancel');
});

t('an event the state does not take lists the events and the cancel endpoint separately', async ({ s }) => {
  const order = (await s.call('POST', '/orders', orderBody('A', 1))).body;
  const r = await s.call('POST', `/orders/${order.id}/events`, { type: 'delivered' });
  assert.is(r.status, 409);
  assert.is(r.body.error.message, `order ${order.id} is awaiting_payment and cannot take 'delivered' now`);
  assert.equal(r.body.error.details[0].accepted, ['payment.authorized', 'payment.failed']);
  assert.equal(r.body.error.details[0].endpoints, [`POST /orders/${order.id}/cancel`]);
  await s.call('POST', `/orders/${order.id}/cancel`, {});
});

t('once shipped, the cancel endpoint is refused and no longer offered', async ({ s }) => {
  const order = (await s.call('POST', '/orders', orderBody('A', 1))).body;
  await s.call('POST', `/orders/${order.id}/events`, { type: 'payment.authorized' });
  const f = (await s.call('GET', `/orders/${order.id}`)).body.fulfilments[0];
  for (const type of ['accepted', 'picked', 'packed', 'shipped']) assert.is((await s.call('POST', `/fulfilments/${f.id}/events`, { type })).status, 200);
  const cancel = await s.call('POST', `/orders/${order.id}/cancel`, {});
  assert.is(cancel.status, 409);
  assert.is(cancel.body.error.message, `order ${order.id} is shipped and cannot take 'cancel' now`);
  assert.equal(cancel.body.error.details[0].accepted, ['delivered']);
  assert.equal(cancel.body.error.details[0].endpoints, []);
  const asEvent = await s.call('POST', `/orders/${order.id}/events`, { type: 'cancel' });
  assert.is(asEvent.status, 409);
  assert.is(asEvent.body.error.message, `'cancel' is not an event order ${order.id} takes, and POST /orders/${order.id}/cancel does not apply while it is shipped`);
});

t.run();
