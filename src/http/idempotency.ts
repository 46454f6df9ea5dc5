import { createHash } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { DomainError } from '../domain/errors.js';
import type { IdempotencyKeys, StoredReply } from '../engine/index.js';
import { rawBody } from './body.js';
import type { AppEnv } from './env.js';
import { documented, errorReplies } from './openapi/describe.js';

const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

/** How long a repeat waits for the first request with its key before it gets 409. */
const WAIT_FOR_FIRST_MS = 10_000;

/**
 * Idempotency-Key for POSTs that create or change something. A repeat with the same key and body gets the
 * first reply (same status and body, header `Idempotent-Replayed: true`); a different body gets 422.
 *
 * A repeat that arrives while the first is still running waits for it and gets the same reply, rather than
 * the 409 the first API draft named: a step here finishes within one disk flush, so waiting costs
 * milliseconds and saves the client a retry loop. Only a first request still running after 10 s yields 409.
 */
export function idempotent(keys: IdempotencyKeys, now: () => number): MiddlewareHandler<AppEnv> {
  return documented(async function idempotent(c, next) {
    const key = c.req.header('idempotency-key');
    if (key === undefined) {
      c.set('idempotency', undefined);
      return next();
    }
    if (!KEY_PATTERN.test(key)) {
      throw new DomainError('invalid_request', 'Idempotency-Key must be 1-255 printable ASCII characters', [{ path: 'Idempotency-Key', message: 'invalid' }]);
    }
    const scope = c.get('principal').keyId;
    const bodyHash = createHash('sha256').update(`${c.req.method} ${c.req.path}\n`).update(await rawBody(c)).digest('hex');

    const running = keys.running(scope, key);
    if (running) {
      if (running.bodyHash !== bodyHash) throw mismatch();
      const first = await Promise.race([running.done, sleep(WAIT_FOR_FIRST_MS).then(() => 'timeout' as const)]);
      if (first === 'timeout') throw new DomainError('conflict', 'a request with this Idempotency-Key is still running; retry later');
    }
    const stored = keys.stored(scope, key, now());
    if (stored) {
      if (stored.bodyHash !== bodyHash) throw mismatch();
      return replay(c, stored);
    }

    let settle!: (r: StoredReply | undefined) => void;
    keys.begin(scope, key, bodyHash, new Promise((resolve) => (settle = resolve)));
    let saved: StoredReply | undefined;
    c.set('idempotency', {
      save(status, body) {
        saved = { status, body };
        return keys.save(scope, key, bodyHash, saved, now());
      },
    });
    try {
      await next();
      if (!saved && c.res.status >= 400 && c.res.status < 500) {
        // A refusal changed nothing, so it need not be durable before the reply: a repeat after a crash
        // would simply be refused again.
        saved = { status: c.res.status, body: await c.res.clone().json() };
        void keys.save(scope, key, bodyHash, saved, now()).catch(() => undefined);
      }
    } finally {
      settle(saved);
    }
  }, IDEMPOTENCY_DOC);
}

/** The header and the refusals `idempotent` adds to its routes in the OpenAPI document. */
const IDEMPOTENCY_DOC = {
  parameters: [
    {
      name: 'Idempotency-Key',
      in: 'header',
      required: false,
      description:
        'Makes a retry safe: a repeat with the same key and body gets the first reply (same status and body, header `Idempotent-Replayed: true`); the same key with another body gets 422; a repeat while the first has run for 10 s gets 409.',
      schema: { type: 'string', pattern: KEY_PATTERN.source, minLength: 1, maxLength: 255 },
    },
  ],
  // 409 (a first request still running after 10 s) is left to each route to list with its other 409s: the
  // fragments of a route are merged status by status, and a later one would replace the route's description.
  responses: errorReplies(['invalid_request', 'idempotency_mismatch']),
};

function replay(c: Context<AppEnv>, stored: StoredReply): Response {
  const res = c.json(stored.body as object, stored.status as 200);
  res.headers.set('Idempotent-Replayed', 'true');
  return res;
}

function mismatch(): DomainError {
  return new DomainError('idempotency_mismatch', 'this Idempotency-Key was used with a different request body');
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
