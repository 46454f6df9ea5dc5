import type { StoredOutboundEvent } from '../../../snapshots/index.js';
import { CLOUD_EVENT_CONTENT_TYPE, cloudEventBody } from './cloud-event.js';
import { SIGNATURE_HEADER, signatureHeader } from './signature.js';

/** What one attempt came to: a 2xx is delivered; anything else, or no answer, is retried. */
export type AttemptOutcome = { ok: true; status: number } | { ok: false; status?: number; error: string };

/** One attempt to deliver one event: where, with which secret, which try this is, and how long to wait. */
export interface Attempt {
  url: string;
  secret: string;
  event: StoredOutboundEvent;
  /** 1 for the first try; sent as `Fulcrum-Attempt`. */
  attempt: number;
  timeoutMs: number;
  /** Aborts the attempt (the server is stopping). */
  stop: AbortSignal;
  /** Now, in ms since epoch: the signature's timestamp. */
  now: number;
}

/**
 * POSTs one signed CloudEvent. Never throws. The timestamp and signature are made per attempt, so a retry
 * hours later still passes a receiver's freshness check. Redirects are not followed (a 3xx is a failure):
 * a signed body goes only to the URL that was configured.
 */
export async function postDelivery(a: Attempt): Promise<AttemptOutcome> {
  const body = cloudEventBody(a.event);
  const timestamp = Math.floor(a.now / 1000);
  // One controller aborted by a plain timer or by the stop signal, not `AbortSignal.any`: on Node 20 a signal
  // made by `any` can be collected while the fetch still waits on it, so its timeout never fires.
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new DOMException(`no response within ${a.timeoutMs} ms`, 'TimeoutError')), a.timeoutMs);
  const onStop = () => controller.abort(new DOMException('the server is stopping', 'AbortError'));
  if (a.stop.aborted) onStop();
  else a.stop.addEventListener('abort', onStop, { once: true });
  try {
    const res = await fetch(a.url, {
      method: 'POST',
      body,
      redirect: 'manual',
      signal: controller.signal,
      headers: {
        'Content-Type': CLOUD_EVENT_CONTENT_TYPE,
        'User-Agent': 'Fulcrum-Webhooks/1',
        'Fulcrum-Event-Id': a.event.id,
        'Fulcrum-Timestamp': String(timestamp),
        'Fulcrum-Attempt': String(a.attempt),
        [SIGNATURE_HEADER]: signatureHeader(a.secret, timestamp, body),
      },
    });
    // Only the status counts; cancelling the body frees the connection without reading what may be large.
    await res.body?.cancel().catch(() => undefined);
    if (res.status >= 200 && res.status < 300) return { ok: true, status: res.status };
    return { ok: false, status: res.status, error: `HTTP ${res.status}` };
  } catch (e) {
    return { ok: false, error: describe(e, a.timeoutMs) };
  } finally {
    clearTimeout(timer);
    a.stop.removeEventListener('abort', onStop);
  }
}

function describe(e: unknown, timeoutMs: number): string {
  const err = e as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (err.name === 'TimeoutError') return `no response within ${timeoutMs} ms`;
  if (err.name === 'AbortError') return 'aborted: the server was stopping';
  const cause = err.cause?.code ?? err.cause?.message;
  return cause ? `${err.message ?? 'request failed'}: ${cause}` : (err.message ?? String(e));
}
