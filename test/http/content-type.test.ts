import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { KEYS, orderBody, seedHttp, startTestServer, type TestServer } from '../helpers/server.js';

const t = suite<{ s: TestServer }>('content type');
t.before(async (ctx) => {
  ctx.s = await startTestServer();
  await seedHttp(ctx.s, { locations: { BER: [52.5, 13.4] }, skus: ['A'], stock: [['BER', 'A', 10]] });
});
t.after(async ({ s }) => s.stop());

const reserved = async (s: TestServer) => (await s.call('GET', '/inventory/BER/A')).body.reserved as number;

t('a JSON order sent as text/plain is refused with 415 in the envelope and changes nothing', async ({ s }) => {
  const r = await s.call('POST', '/orders', JSON.stringify(orderBody('A', 2)), { headers: { 'content-type': 'text/plain;charset=UTF-8' } });
  assert.is(r.status, 415, JSON.stringify(r.body));
  assert.is(r.body.error.type, 'unsupported_media_type');
  assert.is(r.body.error.details[0].path, 'content-type');
  assert.match(r.body.error.message, /application\/json/);
  assert.is(await reserved(s), 0);
});

t('a form body, and a body with no content type, are refused the same way', async ({ s }) => {
  const form = await s.call('PUT', '/locations/HAM', JSON.stringify({ name: 'HAM', geo: { lat: 53.5, lon: 10 }, country: 'DE' }), { headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  assert.is(form.status, 415);
  assert.is((await s.call('GET', '/locations/HAM')).status, 404, 'nothing was created');
  const res = await fetch(`${s.url}/orders`, { method: 'POST', headers: { authorization: `Bearer ${KEYS.admin}` }, body: new Blob([JSON.stringify(orderBody('A', 1))]) });
  assert.is(res.headers.get('content-type'), 'application/json');
  assert.is(res.status, 415);
  assert.is(await reserved(s), 0);
});

t('JSON with a UTF-8 charset or in capitals is taken; another charset is not', async ({ s }) => {
  assert.is((await s.call('POST', '/orders', orderBody('A', 1), { headers: { 'content-type': 'application/json; charset=utf-8' } })).status, 201);
  assert.is((await s.call('POST', '/orders', orderBody('A', 1), { headers: { 'content-type': 'APPLICATION/JSON' } })).status, 201);
  assert.is((await s.call('POST', '/orders', orderBody('A', 1), { headers: { 'content-type': 'application/json; charset=iso-8859-1' } })).status, 415);
  assert.is(await reserved(s), 2);
});

t('an empty body needs no content type; the bulk endpoint takes NDJSON', async ({ s }) => {
  const order = await s.call('POST', '/orders', orderBody('A', 1));
  const cancel = await fetch(`${s.url}/orders/${order.body.id}/cancel`, { method: 'POST', headers: { authorization: `Bearer ${KEYS.admin}` } });
  assert.is(cancel.status, 200);
  const batch = await s.call('POST', '/inventory/batch', '{"location":"BER","sku":"A","onHand":12}\n', { headers: { 'content-type': 'application/x-ndjson' } });
  assert.is(batch.status, 200, JSON.stringify(batch.body));
  assert.is(batch.body.applied, 1);
});

t.run();
