import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Starts Debian's nats-server as a three-server JetStream cluster on loopback, for `npm run cluster` and the
 * cluster tests: random ports, a temp store per server, stopped and restarted on demand.
 */

/** One nats-server of a local cluster: its client URL and how to stop, kill and restart it. */
export interface NatsServer {
  name: string;
  url: string;
  port: number;
  running(): boolean;
  /** SIGKILL and wait for the exit. */
  kill(): Promise<void>;
  /** Starts it again with the same ports and store (after `kill`). */
  restart(): Promise<void>;
  /** SIGSTOP / SIGCONT: the process stops answering, its sockets stay open. */
  freeze(): void;
  thaw(): void;
  output(): string;
}

/** Three nats-servers clustered on loopback with JetStream, each on its own temp store. */
export interface NatsCluster {
  servers: NatsServer[];
  /** Every client URL, comma-separated (what FULCRUM_NATS_URL takes). */
  urls: string;
  stop(): Promise<void>;
}

/** The nats-server binary: Debian installs it in /usr/sbin, which is not on every PATH. */
export const NATS_SERVER = process.env.NATS_SERVER_BIN ?? '/usr/sbin/nats-server';

/**
 * A free TCP port on loopback for a server started next (a NATS server, a Fulcrum node). Picked at random
 * below Linux's ephemeral range (32768-60999), where the kernel never hands out ports for outgoing
 * connections: a port taken from the kernel's own pick could be given to a client socket of a load test
 * (or of the other test shard) before the server bound it, which failed a cluster test with EADDRINUSE.
 * A port handed out once in this process is not handed out again.
 */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = LOW_PORTS + Math.floor(Math.random() * (EPHEMERAL_START - LOW_PORTS));
    if (given.has(port)) continue;
    if (await canListen(port)) {
      given.add(port);
      return port;
    }
  }
  throw new Error(`no free port between ${LOW_PORTS} and ${EPHEMERAL_START} after 200 tries`);
}

const LOW_PORTS = 20_000;
const EPHEMERAL_START = 32_768;
const given = new Set<number>();

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

/** Starts three clustered JetStream servers and waits until a JetStream request succeeds on one. */
export async function startNatsCluster(size = 3, root?: string): Promise<NatsCluster> {
  const dir = root ?? mkdtempSync(join(tmpdir(), 'fulcrum-nats-'));
  const tmp = { dir, cleanup: () => (root ? undefined : rmSync(dir, { recursive: true, force: true })) };
  const clientPorts: number[] = [];
  const routePorts: number[] = [];
  for (let i = 0; i < size; i++) {
    clientPorts.push(await freePort());
    routePorts.push(await freePort());
  }
  const routes = routePorts.map((p) => `nats-route://127.0.0.1:${p}`);
  const servers: NatsServer[] = [];
  for (let i = 0; i < size; i++) {
    const name = `n${i + 1}`;
    const dir = join(tmp.dir, name);
    mkdirSync(dir, { recursive: true });
    const conf = join(dir, 'nats.conf');
    writeFileSync(
      conf,
      [
        `server_name: ${name}`,
        `listen: 127.0.0.1:${clientPorts[i]}`,
        // Bulk loads journal large batches; the default 1 MB payload would refuse them.
        'max_payload: 8MB',
        `jetstream { store_dir: "${join(dir, 'js')}", max_memory_store: 64MB, max_file_store: 2GB }`,
        `cluster { name: fulcrum, listen: 127.0.0.1:${routePorts[i]}, routes: [${routes.join(', ')}] }`,
      ].join('\n') + '\n',
    );
    servers.push(natsServer(name, conf, clientPorts[i]!));
  }
  await Promise.all(servers.map((s) => s.restart()));
  return {
    servers,
    urls: servers.map((s) => s.url).join(','),
    async stop() {
      await Promise.all(servers.map((s) => s.kill()));
      tmp.cleanup();
    },
  };
}

function natsServer(name: string, conf: string, port: number): NatsServer {
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  let out = '';
  return {
    name,
    port,
    url: `nats://127.0.0.1:${port}`,
    running: () => child !== undefined,
    output: () => out,
    freeze: () => void child?.kill('SIGSTOP'),
    thaw: () => void child?.kill('SIGCONT'),
    async kill() {
      if (!child) return;
      child.kill('SIGKILL');
      await exited;
    },
    async restart() {
      if (child) return;
      const c = spawn(NATS_SERVER, ['-c', conf], { stdio: ['ignore', 'pipe', 'pipe'] });
      child = c;
      c.stdout!.on('data', (d: Buffer) => (out = (out + d.toString()).slice(-20_000)));
      c.stderr!.on('data', (d: Buffer) => (out = (out + d.toString()).slice(-20_000)));
      exited = new Promise((resolve) => c.once('exit', () => {
        child = undefined;
        resolve();
      }));
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`nats-server ${name} did not start within 10 s:\n${out}`)), 10_000);
        const check = () => {
          if (/Server is ready/.test(out)) {
            clearTimeout(timer);
            resolve();
          }
        };
        c.stderr!.on('data', check);
        c.stdout!.on('data', check);
        c.once('exit', (code) => {
          clearTimeout(timer);
          reject(new Error(`nats-server ${name} exited with ${code}:\n${out}`));
        });
      });
    },
  };
}
