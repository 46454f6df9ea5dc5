import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { signatureHeader, signPayload, verifySignature } from '../../src/integrations/webhooks/index.js';

const SECRET = 'whsec_unit_0123456789';
const BODY = JSON.stringify({ specversion: '1.0', id: '42.1', type: 'order.shipped', data: { total: 10 } });
const NOW = 1_800_000_000;

test('a signed body verifies with the same secret', () => {
  assert.ok(verifySignature(SECRET, signatureHeader(SECRET, NOW, BODY), BODY, 300, NOW));
});

test('the raw bytes verify as well as the string', () => {
  assert.ok(verifySignature(SECRET, signatureHeader(SECRET, NOW, BODY), Buffer.from(BODY), 300, NOW));
});

test('a tampered body, another secret or an edited timestamp fails', () => {
  const header = signatureHeader(SECRET, NOW, BODY);
  assert.not.ok(verifySignature(SECRET, header, BODY.replace('10', '11'), 300, NOW), 'tampered body');
  assert.not.ok(verifySignature('whsec_other_0123456789', header, BODY, 300, NOW), 'other secret');
  assert.not.ok(verifySignature(SECRET, header.replace(`t=${NOW}`, `t=${NOW + 1}`), BODY, 300, NOW), 'edited timestamp');
});

test('a signature older or newer than the tolerance fails', () => {
  const header = signatureHeader(SECRET, NOW, BODY);
  assert.ok(verifySignature(SECRET, header, BODY, 300, NOW + 300));
  assert.not.ok(verifySignature(SECRET, header, BODY, 300, NOW + 301), 'too old: a captured delivery replayed later');
  assert.not.ok(verifySignature(SECRET, header, BODY, 300, NOW - 301), 'from the future');
});

test('malformed or missing headers fail without throwing', () => {
  for (const header of [undefined, null, '', 'garbage', `t=${NOW}`, 'v1=abc', `t=x,v1=${signPayload(SECRET, NOW, BODY)}`, `t=${NOW},v1=${'z'.repeat(64)}`]) {
    assert.not.ok(verifySignature(SECRET, header, BODY, 300, NOW), String(header));
  }
});

test('any one of several v1 values may match (secret rotation)', () => {
  const header = `t=${NOW},v1=${signPayload('whsec_old_secret_0000', NOW, BODY)},v1=${signPayload(SECRET, NOW, BODY)}`;
  assert.ok(verifySignature(SECRET, header, BODY, 300, NOW));
});

test('the signature is HMAC-SHA256 over "<timestamp>.<body>", hex', async () => {
  const { createHmac } = await import('node:crypto');
  assert.is(signPayload(SECRET, NOW, BODY), createHmac('sha256', SECRET).update(`${NOW}.${BODY}`).digest('hex'));
});

test.run();
