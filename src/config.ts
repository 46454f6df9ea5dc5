import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ROLES, type Role } from './http/index.js';

/** Every setting of the server, validated at start. */
export interface Config {
  port: number;
  host: string;
  dataDir: string;
  apiKeys: Array<{ key: string; role: Role }>;
  demo: boolean;
  maxBodyBytes: number;
  snapshotIntervalMs: number;
  /** Test-only negative control (FULCRUM_UNSAFE_EARLY_ACK=1): acknowledge before the commit. Never in production. */
  unsafeEarlyAck: boolean;
}

/** A setting with a bad value; the message names the setting and says what it accepts. */
export class ConfigError extends Error {}

interface Setting {
  flag: string;
  env: string;
  help: string;
}

const SETTINGS = {
  port: { flag: 'port', env: 'FULCRUM_PORT', help: 'TCP port to listen on (default 8080; 0 picks a free one)' },
  host: { flag: 'host', env: 'FULCRUM_HOST', help: 'address to bind (default 127.0.0.1; 0.0.0.0 for all interfaces)' },
  dataDir: { flag: 'data-dir', env: 'FULCRUM_DATA_DIR', help: 'where the LMDB store lives (default ./data, created on first start)' },
  apiKeys: { flag: 'api-keys', env: 'FULCRUM_API_KEYS', help: 'key:role,key:role with roles admin, ops, storefront' },
  maxBodyBytes: { flag: 'max-body-bytes', env: 'FULCRUM_MAX_BODY_BYTES', help: 'largest request body (default 1048576)' },
  snapshotIntervalMs: { flag: 'snapshot-interval-ms', env: 'FULCRUM_SNAPSHOT_INTERVAL_MS', help: 'how often changed actors are snapshotted (default 1000)' },
} satisfies Record<string, Setting>;

/** The usage text printed for `--help`. */
export function usage(): string {
  const lines = ['Usage: npm start -- [options]', '', 'Each option can also be set by its environment variable; a flag wins over the variable.', ''];
  for (const s of Object.values(SETTINGS)) lines.push(`  --${s.flag.padEnd(22)} ${s.env.padEnd(30)} ${s.help}`);
  lines.push(`  --${'demo'.padEnd(22)} ${''.padEnd(30)} load a demo network (12 locations, 300 SKUs, 2 pools) into an empty data dir`);
  lines.push(`  --${'help'.padEnd(22)}`);
  return lines.join('\n');
}

/** Reads flags and environment; throws ConfigError naming the first bad setting. */
export function loadConfig(argv: string[], env: NodeJS.ProcessEnv): Config & { help: boolean } {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (e) {
    throw new ConfigError(`${(e as Error).message}\n\n${usage()}`);
  }
  const { values } = parsed;
  const pick = (s: Setting): { value: string | undefined; name: string } => {
    const flag = values[s.flag as keyof typeof values];
    if (typeof flag === 'string') return { value: flag, name: `--${s.flag}` };
    return { value: env[s.env], name: s.env };
  };
  return {
    help: values.help === true,
    demo: values.demo === true,
    port: integer(pick(SETTINGS.port), 8080, 0, 65535),
    host: text(pick(SETTINGS.host), '127.0.0.1'),
    dataDir: resolve(text(pick(SETTINGS.dataDir), './data')),
    apiKeys: apiKeys(pick(SETTINGS.apiKeys)),
    maxBodyBytes: integer(pick(SETTINGS.maxBodyBytes), 1024 * 1024, 1024, 1024 * 1024 * 1024),
    snapshotIntervalMs: integer(pick(SETTINGS.snapshotIntervalMs), 1000, 10, 3_600_000),
    unsafeEarlyAck: env.FULCRUM_UNSAFE_EARLY_ACK === '1',
  };
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      ...Object.fromEntries(Object.values(SETTINGS).map((s) => [s.flag, { type: 'string' as const }])),
      demo: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}

function integer(s: { value: string | undefined; name: string }, fallback: number, min: number, max: number): number {
  if (s.value === undefined || s.value === '') return fallback;
  if (!/^\d+$/.test(s.value.trim())) throw new ConfigError(`${s.name} must be a whole number from ${min} to ${max}, got '${s.value}'`);
  const n = Number(s.value.trim());
  if (n < min || n > max) throw new ConfigError(`${s.name} must be from ${min} to ${max}, got ${n}`);
  return n;
}

function text(s: { value: string | undefined; name: string }, fallback: string): string {
  if (s.value === undefined || s.value === '') return fallback;
  if (s.value.trim() !== s.value) throw new ConfigError(`${s.name} has leading or trailing spaces: '${s.value}'`);
  return s.value;
}

function apiKeys(s: { value: string | undefined; name: string }): Array<{ key: string; role: Role }> {
  if (s.value === undefined || s.value.trim() === '') return [];
  return s.value.split(',').map((pair, i) => {
    const at = pair.lastIndexOf(':');
    const key = pair.slice(0, at).trim();
    const role = pair.slice(at + 1).trim();
    if (at < 0 || key === '') throw new ConfigError(`${s.name}: entry ${i + 1} must be key:role, got '${redact(pair)}'`);
    if (!ROLES.includes(role as Role)) throw new ConfigError(`${s.name}: entry ${i + 1} has role '${role}'; roles are ${ROLES.join(', ')}`);
    if (key.length < 12 || /\s/.test(key)) throw new ConfigError(`${s.name}: entry ${i + 1} has a key shorter than 12 characters or with spaces; use a long random key`);
    return { key, role: role as Role };
  });
}

function redact(pair: string): string {
  const at = pair.lastIndexOf(':');
  return at < 0 ? '***' : `***${pair.slice(at)}`;
}
