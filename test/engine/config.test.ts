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

test.run();
