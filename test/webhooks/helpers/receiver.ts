import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the receiver got, with the raw body as sent (signatures are checked over it). */
export interface Received {
  id: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** What the receiver answered. */
  answer?: Answer;
}

/** A status to answer with, `drop` to close the connection without answering, `hang` to never answer. */
export type Answer = number | 'drop' | 'hang';

/** A webhook receiver on 127.0.0.1 for tests. */
export interface Receiver {
  url: string;
  /** Every request, in arrival order (retries included). */
  received: Received[];
  /**
   * The first request of each event id, in arrival order. Delivery is at least once: an answer slower than the
   * delivery timeout (a loaded machine) is retried, so a test that counts events counts these, as a receiver
   * deduping by `Fulcrum-Event-Id` would.
   */
  distinct(): Received[];
  /** Decides the answer to each request; `n` counts earlier requests with the same event id. Replaceable. */
  answer: (r: Received, n: number) => Answer;
  /** Resolves once `done()` holds, polling; fails after `timeoutMs` with what was received. */
  waitFor(done: () => boolean, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

/** Starts a receiver that answers 200 unless `answer` says otherwise. */
export async function startReceiver(answer: Receiver['answer'] = () => 200): Promise<Receiver> {
  const seen = new Map<string, number>();
  const receiver: Receiver = {
    url: '',
    received: [],
    answer,
    distinct: () => receiver.received.filter((r, i, all) => all.findIndex((x) => x.id === r.id) === i),
    async waitFor(done, timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      while (!done()) {
        if (Date.now() > deadline) throw new Error(`receiver: condition not met within ${timeoutMs} ms; got ${receiver.received.map((r) => r.id).join(', ')}`);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const r: Received = { id: String(req.headers['fulcrum-event-id']), headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      const n = seen.get(r.id) ?? 0;
      seen.set(r.id, n + 1);
      receiver.received.push(r);
      const a = receiver.answer(r, n);
      r.answer = a;
      if (a === 'drop') req.socket.destroy();
      else if (a !== 'hang') res.writeHead(a).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  return receiver;
}
