import { writeResult } from '../../bench/lib/report.js';
import type { ChildServer } from '../helpers/child-server.js';
import { CrashWorld, countViolations, type Violations } from '../helpers/crash-world.js';
import { tempDataDir } from '../helpers/tmp.js';

/**
 * Crash rounds: `kill -9` at a random moment during a burst of orders, payments, fulfilment steps, cancels,
 * cart holds, stock receipts and returns (opened, received, inspected); every request classified acknowledged / rejected / unknown; after each
 * restart: nothing acknowledged lost, nothing rejected present, stock conserved, reservations equal to open
 * orders and holds, returns claim no more than shipped and their units are where they say. Then the same with acknowledgement before the commit (the negative control), which must
 * be caught. Usage: node dist/test/chaos/run.js [--rounds 50] [--workers 40] [--no-write]
 */
const args = process.argv.slice(2);
const ROUNDS = Number(valueOf('--rounds') ?? 50);
const WORKERS = Number(valueOf('--workers') ?? 40);
const WRITE = !args.includes('--no-write');

async function rounds(seed: number, env: Record<string, string>, count: number, stopOnViolation: boolean) {
  const { dir, cleanup } = tempDataDir('fulcrum-chaos-');
  const world = new CrashWorld(dir, seed, env);
  const started = performance.now();
  const found: Array<{ round: number; v: Violations }> = [];
  let done = 0;
  let server: ChildServer | undefined;
  try {
    server = await world.start();
    await world.seed(server);
    for (let r = 1; r <= count; r++) {
      // A random moment: 100 ms to 1.5 s into the burst.
      await world.burst(server, WORKERS, 100 + Math.floor(Math.random() * 1400), 0);
      server = await world.start();
      const v = await world.verify(server);
      done = r;
      if (countViolations(v) > 0) {
        found.push({ round: r, v });
        if (stopOnViolation) break;
      }
    }
  } finally {
    if (server && server.process.exitCode === null) await server.kill9();
    cleanup();
  }
  return { world, found, done, seconds: (performance.now() - started) / 1000 };
}

async function main(): Promise<void> {
  const real = await rounds(20261127, {}, ROUNDS, false);
  const control = await rounds(7, { FULCRUM_UNSAFE_EARLY_ACK: '1' }, Math.min(ROUNDS, 10), true);
  const sum = (f: typeof real.found, k: keyof Violations) => f.reduce((n, x) => n + x.v[k].length, 0);
  const lines = [
    `${real.done} rounds of \`kill -9\` at a random moment (0.1-1.5 s) into a burst from ${WORKERS} concurrent clients, restart on the same data dir, check.`,
    '',
    '| | acknowledged | rejected | unknown (no reply) | acknowledged lost | rejected present | not conserved | reservation mismatches |',
    '|---|---|---|---|---|---|---|---|',
    `| durable acknowledgement (the product) | ${real.world.totals.acked} | ${real.world.totals.rejected} | ${real.world.totals.unknown} | **${sum(real.found, 'lostOrders') + sum(real.found, 'lostEvents')}** | **${sum(real.found, 'rejectedPresent')}** | **${sum(real.found, 'notConserved')}** | **${sum(real.found, 'reservationMismatch')}** |`,
    `| negative control: acknowledge before the commit (\`FULCRUM_UNSAFE_EARLY_ACK=1\`) | ${control.world.totals.acked} | ${control.world.totals.rejected} | ${control.world.totals.unknown} | ${sum(control.found, 'lostOrders') + sum(control.found, 'lostEvents')} | ${sum(control.found, 'rejectedPresent')} | ${sum(control.found, 'notConserved')} | ${sum(control.found, 'reservationMismatch')} |`,
    '',
    `- Rounds with any violation: ${real.found.length} of ${real.done}${real.found.length ? ` (first: round ${real.found[0]!.round}: ${JSON.stringify(real.found[0]!.v).slice(0, 400)})` : ''}.`,
    `- The negative control was caught in round ${control.found[0]?.round ?? 'none'} of ${control.done}${control.found.length ? '' : ' (NOT caught: the suite would miss a broken acknowledgement)'}.`,
    `- Run time: ${real.seconds.toFixed(0)} s for the rounds, ${control.seconds.toFixed(0)} s for the control.`,
  ];
  const text = lines.join('\n');
  console.log(text);
  if (WRITE) writeResult('reliability-chaos', `npm run test:chaos${args.length ? ' -- ' + args.join(' ') : ''}`, text);
  if (real.found.length > 0 || control.found.length === 0) process.exitCode = 1;
}

function valueOf(name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
