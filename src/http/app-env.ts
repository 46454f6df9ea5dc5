import type { Principal } from '../auth/index.js';

/** Saves a reply under the request's Idempotency-Key in the same event turn as the facts it reports. */
export interface IdempotentReply {
  save(status: number, body: unknown): Promise<void>;
}

export interface AppEnv {
  Variables: {
    principal: Principal;
    idempotency: IdempotentReply | undefined;
    rawBody: string | undefined;
  };
}
