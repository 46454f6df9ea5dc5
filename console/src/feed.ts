/**
 * The live stock feed (`/ws`): one WebSocket for the whole console, subscriptions per pool, and one signal
 * per pool and SKU that the tiles read. It reconnects (with backoff) and re-subscribes on its own.
 */
import { signal, type Signal } from '@preact/signals';

type Message = { type: 'snapshot'; pool: string; items: Array<{ sku: string; ats: number }> } | { type: 'stock'; pool: string; sku: string; ats: number } | { type: 'error'; error: { message: string } };

export const feedState = signal<'connecting' | 'live' | 'down'>('connecting');
const values = new Map<string, Signal<number | undefined>>();
const wanted = new Map<string, Map<string, number>>();
let socket: WebSocket | undefined;
let token: string | undefined;
let retryMs = 500;

const keyOf = (pool: string, sku: string) => `${pool}\u0000${sku}`;

/** The live ATS of a SKU in a pool (undefined until the feed's snapshot arrives). */
export function atsOf(pool: string, sku: string): Signal<number | undefined> {
  let s = values.get(keyOf(pool, sku));
  if (!s) values.set(keyOf(pool, sku), (s = signal<number | undefined>(undefined)));
  return s;
}

/** Starts the feed for a signed-in key. */
export function startFeed(key: string): void {
  token = key;
  connect();
}

export function stopFeed(): void {
  token = undefined;
  socket?.close();
  socket = undefined;
}

/** Watches SKUs in a pool until the returned function is called (counted, so tiles may overlap). */
export function watch(pool: string, skus: string[]): () => void {
  let counts = wanted.get(pool);
  if (!counts) wanted.set(pool, (counts = new Map()));
  const fresh = skus.filter((sku) => {
    const n = counts!.get(sku) ?? 0;
    counts!.set(sku, n + 1);
    return n === 0;
  });
  if (fresh.length > 0) send({ op: 'subscribe', pool, skus: fresh });
  return () => {
    const gone = skus.filter((sku) => {
      const n = (counts!.get(sku) ?? 1) - 1;
      if (n <= 0) counts!.delete(sku);
      else counts!.set(sku, n);
      return n <= 0;
    });
    if (gone.length > 0) send({ op: 'unsubscribe', pool, skus: gone });
  };
}

function send(message: object): void {
  if (socket?.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message));
}

function connect(): void {
  if (!token) return;
  const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws?token=${encodeURIComponent(token)}`;
  const ws = new WebSocket(url);
  socket = ws;
  feedState.value = 'connecting';
  ws.onopen = () => {
    retryMs = 500;
    feedState.value = 'live';
    for (const [pool, counts] of wanted) if (counts.size > 0) send({ op: 'subscribe', pool, skus: [...counts.keys()] });
  };
  ws.onmessage = (e) => {
    for (const m of ([] as Message[]).concat(JSON.parse(String(e.data)))) {
      if (m.type === 'snapshot') for (const item of m.items) atsOf(m.pool, item.sku).value = item.ats;
      else if (m.type === 'stock') atsOf(m.pool, m.sku).value = m.ats;
    }
  };
  ws.onclose = () => {
    if (socket !== ws) return;
    feedState.value = 'down';
    if (token) setTimeout(connect, (retryMs = Math.min(retryMs * 2, 10_000)));
  };
}
