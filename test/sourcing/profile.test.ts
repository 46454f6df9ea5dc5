import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { DomainError, type ErrorDetail } from '../../src/domain/errors.js';
import { defaultSourcingProfile, parseSourcingProfile } from '../../src/sourcing/index.js';

/** The details of the DomainError a bad profile raises. */
function rejection(profile: unknown): ErrorDetail[] {
  try {
    parseSourcingProfile(profile);
  } catch (error) {
    assert.instance(error, DomainError);
    assert.is((error as DomainError).type, 'invalid_request');
    return (error as DomainError).details;
  }
  throw new Error('profile was accepted');
}

const valid = { id: 'p', version: 1, strategies: [{ id: 's' }] };

test('a minimal profile gets the documented defaults', () => {
  const profile = parseSourcingProfile(valid);
  const strategy = profile.strategies[0]!;
  assert.equal(strategy.filters.statuses, ['active']);
  assert.equal(strategy.filters.carrierCutoff, { deliveryTypes: ['express'] });
  assert.is(strategy.maxShipments, 3);
  assert.is(strategy.splitLines, true);
  assert.is(strategy.timezone, 'UTC');
  assert.is(strategy.profileVersion, 1);
  assert.is(profile.document.strategies[0]!.costs.fixedPerShipment, 5);
});

test('the split policy: forbid means one shipment', () => {
  const profile = parseSourcingProfile({ ...valid, strategies: [{ id: 's', split: { policy: 'forbid' } }] });
  assert.is(profile.strategies[0]!.maxShipments, 1);
  assert.is(profile.strategies[0]!.splitLines, false);
});

test('the default profile tries express, then standard', () => {
  assert.equal(defaultSourcingProfile.strategies.map((s) => s.id), ['express', 'standard']);
});

test('an empty strategy list is rejected', () => {
  assert.equal(rejection({ ...valid, strategies: [] }), [{ path: 'strategies', message: 'a profile needs at least one strategy' }]);
});

test('a negative weight is rejected at its path', () => {
  const details = rejection({ ...valid, strategies: [{ id: 's', costs: { markdown: { weight: -1 } } }] });
  assert.equal(details, [{ path: 'strategies[0].costs.markdown.weight', message: 'must be >= 0' }]);
});

test('a capability mapping for an unknown attribute is rejected', () => {
  const details = rejection({ ...valid, attributeCapabilities: { fragil: { capability: 'fragile-packing' } } });
  assert.equal(details, [{ path: 'attributeCapabilities.fragil', message: 'must be fragile, bulky, hazmat or restricted:<tag>' }]);
});

test('a capability mapping without a capability is rejected', () => {
  const details = rejection({ ...valid, attributeCapabilities: { hazmat: { capability: '' } } });
  assert.equal(details, [{ path: 'attributeCapabilities.hazmat.capability', message: 'must not be empty' }]);
});

test('an unknown plugin term is rejected', () => {
  const details = rejection({ ...valid, strategies: [{ id: 's', costs: { plugins: { 'carbon/co2': 1 } }, filters: { plugins: ['geo/eu'] } }] });
  assert.equal(details, [
    { path: 'strategies[0].filters.plugins[0]', message: "unknown plugin filter 'geo/eu'" },
    { path: 'strategies[0].costs.plugins.carbon/co2', message: "unknown plugin cost term 'carbon/co2'" },
  ]);
});

test('a misspelt key is rejected rather than ignored', () => {
  const details = rejection({ ...valid, strategies: [{ id: 's', fitlers: {} }] });
  assert.equal(details.map((d) => d.path), ['strategies[0]']);
  assert.match(details[0]!.message, /fitlers/);
});

test('every problem is reported at once, and the message names the first', () => {
  try {
    parseSourcingProfile({ id: '', version: 0, timezone: 'Mars/Olympus', strategies: [{ id: 'a' }, { id: 'a', split: { policy: 'allow', maxShipments: 0, splitLines: true } }] });
    assert.unreachable();
  } catch (error) {
    const e = error as DomainError;
    assert.equal(e.details.map((d) => d.path).sort(), ['id', 'strategies[1].id', 'strategies[1].split.maxShipments', 'timezone', 'version']);
    assert.match(e.message, /^invalid sourcing profile: \S+: .+ \(and 4 more\)$/);
  }
});

test('duplicate strategy ids are rejected', () => {
  assert.equal(rejection({ ...valid, strategies: [{ id: 'a' }, { id: 'a' }] }), [{ path: 'strategies[1].id', message: "duplicate strategy id 'a'" }]);
});

test('an order-value range with min above max is rejected', () => {
  const details = rejection({ ...valid, strategies: [{ id: 's', when: { orderValue: { min: 10, max: 5 } } }] });
  assert.equal(details, [{ path: 'strategies[0].when.orderValue', message: 'min must be <= max' }]);
});

test.run();
