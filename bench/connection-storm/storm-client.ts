import { connect } from 'node:net';

/**
 * One storm client process: on `go`, opens its share of the connections at once, each writing one request
 * as soon as it is connected, and times, per connection, from its own `connect` call to the connection being
 * established and to the first byte of its reply. The coordinator starts several such processes at the same
 * wall-clock moment so that no single client's event loop is the bottleneck.
 */
export interface StormOrder {
  t: 'go';
  port: number;
  connections: number;
  /** The raw request for connection i. */
  requests: string[];
  /** Epoch ms to start at. */
  at: number;
}

export interface StormTiming {
  /** Connection established, ms after its connect call. */
  connected: number;
  /** First byte of the reply, ms after its connect call (NaN: none). */
  firstReply: number;
  status: number;
}

process.on('message', (m: StormOrder) => {
  const timings: StormTiming[] = [];
  const done = () => {
    if (timings.length === m.connections) process.send!({ t: 'timings', timings }, () => process.exit(0));
  };
  setTimeout(() => {
    for (let i = 0; i < m.connections; i++) {
      const started = performance.now();
      let connected = NaN;
      const socket = connect(m.port, '127.0.0.1');
      socket.once('connect', () => {
        connected = performance.now() - started;
        socket.write(m.requests[i]!);
      });
      socket.once('data', (d: Buffer) => {
        timings.push({ connected, firstReply: performance.now() - started, status: Number(d.toString('latin1', 9, 12)) });
        socket.destroy();
        done();
      });
      socket.once('error', () => {
        timings.push({ connected, firstReply: NaN, status: 0 });
        done();
      });
    }
  }, Math.max(0, m.at - Date.now()));
});
