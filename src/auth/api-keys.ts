import { createHash, randomBytes } from 'node:crypto';
import type { Principal, Role } from './roles.js';

/** A key as configured: its secret, its role, and the channels it is bound to (storefront and publishable only). */
export interface ConfiguredKey {
  key: string;
  role: Role;
  channels?: readonly string[];
}

/**
 * The configured API keys. A key's public id is a prefix of its SHA-256, so stored orders and logs never
 * carry the secret. Lookup is a map hit on the secret itself (the config holds the secrets anyway); hashing
 * every request cost ~3 µs on the order path.
 */
export class ApiKeys {
  private readonly bySecret = new Map<string, Principal>();

  constructor(keys: ReadonlyArray<ConfiguredKey>) {
    for (const { key, role, channels } of keys) {
      this.bySecret.set(key, { keyId: `key_${sha256(key).slice(0, 12)}`, role, ...(channels ? { channels: Object.freeze([...channels]) } : {}) });
    }
  }

  /** The principal for a secret, or undefined. */
  lookup(secret: string): Principal | undefined {
    return this.bySecret.get(secret);
  }

  get size(): number {
    return this.bySecret.size;
  }
}


/** A fresh secret for a generated admin key. */
export function generateKey(): string {
  return `fk_${randomBytes(24).toString('base64url')}`;
}

/** Reads `Authorization: Bearer <key>` (or `?token=` where allowed), or undefined when absent. */
export function bearer(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return m ? m[1] : undefined;
}

function sha256(s: string): string {
  return createHash('sha256').update(s).digest('hex');
}
