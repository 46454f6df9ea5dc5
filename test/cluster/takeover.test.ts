import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { decodeBatch, encodeBatch } from '../../src/cluster/batch.js';
import { fenceStream, type TakeoverStream } from '../../src/cluster/takeover.js';

/**
 * The stream side of a takeover against a stream that misbehaves on cue: NATS between leaders answers
 * "jetstream is not enabled" or times out, another node appends first. The takeover must retry through
 * each, apply everything before its fencing marker, and store the marker exactly once, at the end.
 */
type Fault = { on: 'append' | 'lastSeq'; error: string; before?: () => void };

function fakeStream(initial: number, faults: Fault[]) {
  const messages: Array<{ id: string; data: Uint8Array }> = [];
  const push = (node: string, term: number, id: string) => messages.push({ id, data: encodeBatch({ term, node, entries: [], writes: [] }) });
  for (let i = 1; i <= initial; i++) push('old', 1, `old:1:${i}`);
  const calls = { append: 0, lastSeq: 0 };
  const fault = (on: Fault['on']) => {
    const i = faults.findIndex((f) => f.on === on);
    if (i < 0) return;
    const [f] = faults.splice(i, 1);
    f!.before?.();
    throw new Error(f!.error);
  };
  const stream: TakeoverStream = {
    async lastSeq() {
      calls.lastSeq++;
      fault('lastSeq');
      return messages.length;
    },
    async message(seq) {
      const m = messages[seq - 1];
      return m ? { seq, data: m.data } : null;
    },
    async append(data, msgID, lastSequence) {
      calls.append++;
      fault('append');
      if (lastSequence !== messages.length) throw new Error('wrong last sequence: ' + messages.length);
      messages.push({ id: msgID, data });
      return messages.length;
    },
  };
  return { stream, messages, calls, push };
}

function taker(stream: TakeoverStream, held = () => true) {
  const applied: number[] = [];
  const logs: string[] = [];
  const fence = fenceStream({
    stream,
    node: 'b',
    term: 7,
    applied: () => applied.at(-1) ?? 0,
    apply: (seq) => void applied.push(seq),
    held,
    log: (m) => void logs.push(m),
    retryMs: 1,
  });
  return { fence, applied, logs };
}

test('NATS refusing the fencing append once (between stream leaders): the takeover tries again and stores the marker once, at the end', async () => {
  const s = fakeStream(3, [{ on: 'append', error: 'jetstream is not enabled' }]);
  const t = taker(s.stream);
  const fence = await t.fence;
  assert.equal(fence, { marker: 'b:7:4', seq: 4 });
  assert.equal(t.applied, [1, 2, 3]);
  assert.equal(s.calls.append, 2);
  assert.equal(s.messages.map((m) => m.id), ['old:1:1', 'old:1:2', 'old:1:3', 'b:7:4']);
  assert.equal(decodeBatch(s.messages[3]!.data).term, 7);
  assert.ok(t.logs.some((l) => /jetstream is not enabled; trying again/.test(l)), t.logs.join('\n'));
});

test('the stream not answering while the takeover reads its end (a timeout): tried again', async () => {
  const s = fakeStream(2, [{ on: 'lastSeq', error: 'TIMEOUT' }]);
  const t = taker(s.stream);
  assert.equal(await t.fence, { marker: 'b:7:3', seq: 3 });
  assert.equal(t.applied, [1, 2]);
  assert.equal(s.calls.lastSeq, 2);
});

test('the old leader appends between the catch-up and the marker: its message is applied, and the marker fences after it', async () => {
  const s = fakeStream(2, []);
  // The first append finds a message that came after the catch-up read the stream's end.
  s.stream.append = ((append) => async (data, msgID, lastSequence) => {
    if (s.messages.length === 2) s.push('old', 1, 'old:1:3');
    return append(data, msgID, lastSequence);
  })(s.stream.append.bind(s.stream));
  const t = taker(s.stream);
  assert.equal(await t.fence, { marker: 'b:7:4', seq: 4 });
  assert.equal(t.applied, [1, 2, 3]);
  assert.equal(s.messages.map((m) => m.id), ['old:1:1', 'old:1:2', 'old:1:3', 'b:7:4']);
});

test('a marker stored although its ack was lost is caught up with like any other message; the next marker fences after it', async () => {
  const s = fakeStream(1, []);
  s.stream.append = ((append) => {
    let first = true;
    return async (data, msgID, lastSequence) => {
      const seq = await append(data, msgID, lastSequence);
      if (first) {
        first = false;
        throw new Error('TIMEOUT');
      }
      return seq;
    };
  })(s.stream.append.bind(s.stream));
  const t = taker(s.stream);
  assert.equal(await t.fence, { marker: 'b:7:3', seq: 3 });
  assert.equal(t.applied, [1, 2]);
  assert.equal(s.messages.map((m) => m.id), ['old:1:1', 'b:7:2', 'b:7:3']);
});

test('the lease lapsing while NATS keeps refusing: the takeover gives up without appending', async () => {
  let held = true;
  const s = fakeStream(1, [{ on: 'append', error: 'jetstream is not enabled', before: () => (held = false) }]);
  const t = taker(s.stream, () => held);
  assert.is(await t.fence, undefined);
  assert.equal(s.messages.length, 1);
});

test('a message missing from the stream is not retried: the takeover fails', async () => {
  const s = fakeStream(3, []);
  s.messages.splice(1, 1, undefined as never);
  const t = taker(s.stream);
  try {
    await t.fence;
    assert.unreachable('took over over a gap');
  } catch (e) {
    assert.match((e as Error).message, /journal stream message 2 is missing/);
  }
});

test.run();
