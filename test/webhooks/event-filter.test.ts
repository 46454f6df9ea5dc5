import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { compileEventFilter, EVENT_PATTERN } from '../../src/integrations/webhooks/index.js';

test('an exact type matches only itself', () => {
  const f = compileEventFilter(['order.shipped']);
  assert.ok(f('order.shipped'));
  assert.not.ok(f('order.shipped.late'));
  assert.not.ok(f('order.ship'));
});

test('prefix.* matches every type below the prefix, at any depth, and nothing beside it', () => {
  const f = compileEventFilter(['order.*']);
  assert.ok(f('order.shipped'));
  assert.ok(f('order.line.cancelled'));
  assert.not.ok(f('order'), 'the prefix itself is not below it');
  assert.not.ok(f('orders.archived'));
  assert.not.ok(f('payment.requested'));
});

test('* matches everything; several patterns match their union', () => {
  assert.ok(compileEventFilter(['*'])('anything.at.all'));
  const f = compileEventFilter(['payment.requested', 'fulfilment.*']);
  assert.ok(f('payment.requested'));
  assert.ok(f('fulfilment.picked'));
  assert.not.ok(f('payment.captured'));
});

test('invalid patterns are refused', () => {
  for (const p of ['', 'order.', '.order', 'order.*.shipped', 'order*', 'ord er', '**', 'order.**']) {
    assert.not.ok(EVENT_PATTERN.test(p), p);
    assert.throws(() => compileEventFilter([p]), /not valid/);
  }
});

test.run();
