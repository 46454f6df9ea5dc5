import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { tempDataDir } from '../helpers/tmp.js';
import { startReceiver, type Received } from './helpers/receiver.js';
import { openWebhookWorld } from './helpers/world.js';

const CHILD = fileURLToPath(new URL('./crash-child.js', import.meta.url));

const tagOf = (r: Received): string => JSON.parse(r.body).data.tag;

/** Runs the child until it has acknowledged `acks` steps and the receiver saw `attempts` more requests, then SIGKILLs it. */
async function runAndKill(dir: string, url: string, round: number, acks: number, attempts: () => boolean): Promise<string[]> {
  const child = spawn(process.execPath, [CHILD, dir, url, String(round)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const durable = () => out.split('\n').filter((l) => l.startsWith('durable '));
  const deadline = Date.now() + 15_000;
  while (durable().length < acks || !attempts()) {
    if (Date.now() > deadline || child.exitCode !== null) {
      child.kill('SIGKILL');
      throw new Error(`child did not get far enough:\n${out}\n${err}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  child.kill('SIGKILL');
  await exited;
  return durable().flatMap((l) => l.slice('durable '.length).split(' '));
}

test('kill -9 while events are being written and retried loses no acknowledged event (2 rounds)', async () => {
  const tmp = tempDataDir();
  // Two of three answers fail, so records are being moved to their next attempt when the kill lands.
  const receiver = await startReceiver((r, n) => (n < 2 ? 500 : 200));
  try {
    const acknowledged: string[] = [];
    for (let round = 1; round <= 2; round++) {
      const before = receiver.received.length;
      acknowledged.push(...(await runAndKill(tmp.dir, receiver.url, round, 60, () => receiver.received.length > before + 60)));
    }
    assert.ok(acknowledged.length >= 120, `enough acknowledged events to mean something (${acknowledged.length})`);

    receiver.answer = () => 200;
    const world = openWebhookWorld(tmp.dir, { baseDelayMs: 1, maxDelayMs: 1, perEndpoint: 16 });
    const allDelivered = () => {
      const delivered = new Set(receiver.received.filter((r) => r.answer === 200).map(tagOf));
      return acknowledged.every((t) => delivered.has(t));
    };
    try {
      await receiver.waitFor(() => allDelivered() && world.webhooks.dispatcher.inFlightCount === 0 && [...world.fulcrum.engine.store.outbox.getKeys()].length === 0, 20_000);
    } finally {
      await world.close();
    }
    const idsByTag = new Map<string, Set<string>>();
    for (const r of receiver.received) {
      const ids = idsByTag.get(tagOf(r)) ?? new Set();
      idsByTag.set(tagOf(r), ids.add(r.id));
    }
    for (const [tag, ids] of idsByTag) assert.is(ids.size, 1, `event ${tag} kept one id across retries and crashes (${[...ids]})`);
    const retried = [...idsByTag.keys()].filter((tag) => receiver.received.filter((r) => tagOf(r) === tag).length > 1);
    assert.ok(retried.length > 0, 'some deliveries were retried across the crashes');
  } finally {
    await receiver.close();
    tmp.cleanup();
  }
});

test.run();
