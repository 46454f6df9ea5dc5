import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { EARLIER, splitEarlier, withEarlier } from '../../bench/lib/report.js';

const run = (date: string, body: string) => `# bulk\n\n- Date: ${date}\n- Machine: x\n- Node: v20\n- Command: \`npm run bench:bulk\`\n\n${body}\n`;

test('a new run goes on top of an empty or missing file as it is', () => {
  assert.is(withEarlier(run('2026-12-05T10:00:00Z', 'first'), undefined), run('2026-12-05T10:00:00Z', 'first'));
  assert.is(withEarlier(run('2026-12-05T10:00:00Z', 'first'), ''), run('2026-12-05T10:00:00Z', 'first'));
});

test('runs are kept newest first, each earlier run under a heading of its date and command, notes by hand kept', () => {
  const handWritten = '## 2026-12-04: why the ratio moved\n\nA note written by hand.';
  let file = `${run('2026-12-05T10:00:00Z', 'first body')}\n${handWritten}\n`;
  file = withEarlier(run('2026-12-05T11:00:00Z', 'second body'), file);
  file = withEarlier(run('2026-12-05T12:00:00Z', 'third body'), file);
  assert.ok(file.startsWith(run('2026-12-05T12:00:00Z', 'third body')), 'the newest run is on top, as written');
  assert.is(file.split(EARLIER).length, 2, 'one line between the newest run and the rest');
  const order = ['third body', '## Run of 2026-12-05T11:00:00Z: `npm run bench:bulk`', 'second body', '## Run of 2026-12-05T10:00:00Z', 'first body', 'A note written by hand.'].map((s) => file.indexOf(s));
  assert.ok(order.every((at, i) => at >= 0 && (i === 0 || at > order[i - 1]!)), `in order: ${order.join(', ')}\n${file}`);
  assert.is(file.match(/^# bulk$/gm)?.length, 1, 'one title');
});

test('a file that starts with notes by hand keeps them under the new run, without a made-up heading', () => {
  const file = withEarlier(run('2026-12-05T12:00:00Z', 'new'), '# bulk\n\n## 2026-12-05 13:15: a branch\n\nNotes.\n');
  assert.ok(file.includes(`${EARLIER}\n\n## 2026-12-05 13:15: a branch\n\nNotes.`), file);
  assert.not.ok(file.includes('Run of'), file);
});

test('splitEarlier gives the newest run alone, for composed reports', () => {
  const file = withEarlier(run('2026-12-05T11:00:00Z', 'second'), run('2026-12-05T10:00:00Z', 'first')).replace(/^# .*\n/, '');
  const [latest, earlier] = splitEarlier(file);
  assert.ok(latest.includes('second') && !latest.includes('first'), latest);
  assert.ok(earlier.startsWith('## Run of 2026-12-05T10:00:00Z') && earlier.includes('first'), earlier);
  assert.equal(splitEarlier('just one run'), ['just one run', '']);
});

test.run();
