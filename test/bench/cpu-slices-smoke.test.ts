import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CpuSlices } from '../../bench/lib/cpu-slices.js';

/**
 * `bench/lib/cpu-slices.ts` limits a whole process tree to its quota, children forked later included: what
 * `npm run bench:cluster -- --parts feed --node-cpu N` relies on to give each Fulcrum node a small machine's
 * CPU. Needs a writable cgroup cpu hierarchy (root here); without one the test says so and is skipped.
 */
const slices = CpuSlices.open();
if ('unavailable' in slices) console.log(`cpu-slices: skipped: ${slices.unavailable}`);

/** Busy for 1 s of wall time. */
const LOOP = 'const end = Date.now() + 1000; while (Date.now() < end);';
/** A process's own CPU µs and cgroup lines. */
const SELF = "(() => { const u = process.cpuUsage(); return { cpuUs: u.user + u.system, cgroup: require('fs').readFileSync('/proc/self/cgroup', 'utf8') }; })()";
const BUSY = `${LOOP} console.log(JSON.stringify(${SELF}));`;
/** Forks a busy child (after it started: it joins by inheritance), is busy itself, and prints both. */
const TREE = `const c = require('child_process').spawn(process.execPath, ['-e', ${JSON.stringify(BUSY)}], { stdio: ['ignore', 'pipe', 'inherit'] });
let out = ''; c.stdout.on('data', (d) => (out += d));
${LOOP} const self = ${SELF};
c.on('exit', () => console.log(JSON.stringify({ parent: self, child: JSON.parse(out) })));`;

test('a process tree started in a 0.25-core slice (parent and a child it forks, both busy for 1 s) gets at most 0.25 of a core', async () => {
  if ('unavailable' in slices) return;
  const slice = slices.create('smoke', 0.25);
  try {
    const [cmd, ...pre] = slice.launcher();
    const started = process.hrtime.bigint();
    const out = await new Promise<string>((resolve, reject) => {
      const p = spawn(cmd!, [...pre, process.execPath, '-e', TREE], { stdio: ['ignore', 'pipe', 'inherit'] });
      let text = '';
      p.stdout!.on('data', (d: Buffer) => (text += d.toString()));
      p.once('exit', (code) => (code === 0 ? resolve(text) : reject(new Error(`exited with ${code}: ${text}`))));
    });
    const wallUs = Number(process.hrtime.bigint() - started) / 1000;
    const { parent, child } = JSON.parse(out) as Record<'parent' | 'child', { cpuUs: number; cgroup: string }>;
    for (const p of [parent, child]) assert.ok(p.cgroup.includes(`fulcrum-bench-${process.pid}-smoke`), p.cgroup);
    const used = parent.cpuUs + child.cpuUs;
    // Unlimited, two busy loops on 2 cores take ~2 s of CPU in ~1.1 s; the quota allows 0.25 of the wall time
    // (slack for the last period's overrun and the kernel's accounting).
    assert.ok(used <= 0.25 * wallUs * 1.2 + 20_000, `the tree used ${Math.round(used / 1000)} ms of CPU in ${Math.round(wallUs / 1000)} ms: more than 0.25 core`);
    assert.ok(used >= 0.25 * 1_000_000 * 0.5, `the tree used only ${Math.round(used / 1000)} ms of CPU: did it run?`);
    assert.ok(slice.stat().throttled > 0, 'never throttled');
  } finally {
    slices.removeAll();
  }
  assert.not.ok(existsSync(slice.path), `${slice.path} left behind`);
});

test.run();
