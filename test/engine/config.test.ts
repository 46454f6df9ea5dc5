import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadConfig } from '../../src/config.js';
import { fails } from '../helpers/config.js';

test('defaults: port 8080, ./data, no keys', () => {
  const c = loadConfig([], {});
  assert.is(c.port, 8080);
  assert.ok(c.dataDir.endsWith('/data'));
  assert.equal(c.apiKeys, []);
  assert.is(c.demo, false);
});

test('flags win over environment variables', () => {
  const c = loadConfig(['--port', '9000', '--demo'], { FULCRUM_PORT: '7000', FULCRUM_DATA_DIR: '/tmp/x' });
  assert.is(c.port, 9000);
  assert.is(c.dataDir, '/tmp/x');
  assert.is(c.demo, true);
});

test('PORT, as platforms set it, is used when neither --port nor FULCRUM_PORT is given', () => {
  assert.is(loadConfig([], { PORT: '3000' }).port, 3000);
  assert.is(loadConfig([], { PORT: '3000', FULCRUM_PORT: '7000' }).port, 7000);
  assert.is(loadConfig(['--port', '9000'], { PORT: '3000' }).port, 9000);
  fails([], { PORT: 'x' }, /PORT must be a whole number/);
});

test('bad values name the setting', () => {
  fails([], { FULCRUM_PORT: 'eighty' }, /FULCRUM_PORT must be a whole number/);
  fails(['--port', '70000'], {}, /--port must be from 0 to 65535/);
  fails([], { FULCRUM_API_KEYS: 'short:admin' }, /FULCRUM_API_KEYS: entry 1 has a key shorter/);
  fails([], { FULCRUM_API_KEYS: 'a-long-enough-key:root' }, /role 'root'; roles are admin, ops, storefront/);
  fails(['--api-keys', 'nocolon'], {}, /--api-keys: entry 1 must be key:role/);
  fails(['--prot', '1'], {}, /Unknown option '--prot'/);
});

test('API keys parse into roles and the secret never appears in errors', () => {
  const c = loadConfig([], { FULCRUM_API_KEYS: 'secret-admin-key-1:admin, secret-shop-key-1:storefront' });
  assert.equal(c.apiKeys, [{ key: 'secret-admin-key-1', role: 'admin' }, { key: 'secret-shop-key-1', role: 'storefront' }]);
  try {
    loadConfig([], { FULCRUM_API_KEYS: 'secret-admin-key-1' });
  } catch (e) {
    assert.not.match((e as Error).message, /secret-admin/);
  }
});

test('a storefront or publishable key may be bound to channels with key:role:channel|channel', () => {
  const c = loadConfig([], { FULCRUM_API_KEYS: 'secret-shop-key-1:storefront:web|b2c,secret-page-key-1:publishable:web,secret:with:colon:ops' });
  assert.equal(c.apiKeys, [
    { key: 'secret-shop-key-1', role: 'storefront', channels: ['web', 'b2c'] },
    { key: 'secret-page-key-1', role: 'publishable', channels: ['web'] },
    { key: 'secret:with:colon', role: 'ops' },
  ]);
  fails([], { FULCRUM_API_KEYS: 'secret-admin-key-1:admin:web' }, /binds a admin key to channels; only storefront and publishable keys can be bound/);
  fails([], { FULCRUM_API_KEYS: 'secret-shop-key-1:storefront:web||b2c' }, /entry 1 has channel ''/);
});

test('CORS origins are exact origins; anything else names the setting', () => {
  assert.equal(loadConfig([], { FULCRUM_CORS_ORIGINS: 'https://shop.example.com, http://127.0.0.1:3000' }).corsOrigins, ['https://shop.example.com', 'http://127.0.0.1:3000']);
  assert.equal(loadConfig([], {}).corsOrigins, []);
  fails([], { FULCRUM_CORS_ORIGINS: 'https://shop.example.com/' }, /FULCRUM_CORS_ORIGINS: entry 1 must be an origin/);
  fails(['--cors-origins', 'shop.example.com'], {}, /--cors-origins: entry 1 must be an origin/);
  fails([], { FULCRUM_CORS_ORIGINS: '*' }, /entry 1 must be an origin/);
});

test('slow clients: the body deadline and the connection caps have defaults, flags, variables and bounds', () => {
  const c = loadConfig([], {});
  assert.is(c.bodyTimeoutMs, 5000);
  assert.is(c.maxConnectionsPerKey, 4096);
  assert.is(c.maxConnectionsPerAddress, 16384);
  const set = loadConfig(['--body-timeout-ms', '2500', '--max-connections-per-key', '100'], { FULCRUM_MAX_CONNECTIONS_PER_ADDRESS: '200' });
  assert.is(set.bodyTimeoutMs, 2500);
  assert.is(set.maxConnectionsPerKey, 100);
  assert.is(set.maxConnectionsPerAddress, 200);
  fails([], { FULCRUM_BODY_TIMEOUT_MS: '50' }, /FULCRUM_BODY_TIMEOUT_MS must be from 100 to 600000/);
  fails(['--max-connections-per-key', '0'], {}, /--max-connections-per-key must be from 1/);
  fails([], { FULCRUM_MAX_CONNECTIONS_PER_ADDRESS: 'many' }, /FULCRUM_MAX_CONNECTIONS_PER_ADDRESS must be a whole number/);
});

test('HTTP fronts (experimental): off by default, and refused together with cluster mode, naming both', () => {
  assert.is(loadConfig([], {}).httpFronts, 0);
  assert.is(loadConfig(['--http-fronts', '2'], {}).httpFronts, 2);
  assert.throws(() => loadConfig(['--http-fronts', '1'], { FULCRUM_NATS_URL: 'nats://127.0.0.1:4222' }), /--http-fronts \(experimental\) is not supported in cluster mode \(FULCRUM_NATS_URL set\)/);
});

test.run();
