import { planSourcing, type SourcingAsk } from '../../src/sourcing/index.js';
import { parseArgs } from '../lib/args.js';
import { openIntakeWorld } from './place-in-process.js';
import { validMode, validSpread } from './workload.js';

/**
 * Sourcing alone, as the intake step runs it: `planSourcing` (the live network, buildProblem, the search,
 * the plan) for the bench's orders, called in a loop on the server's wiring after the usual warm-up, with
 * nothing reserved, so every call does the same work. Prints CPU µs per call per round: the intake benches
 * measure the whole order, where a cut of a few µs in sourcing is lost in the load's noise.
 * Usage: node dist/bench/intake/sourcing-only.js [--mode hot|spread] [--calls 100000] [--rounds 5] [--skus 100]
 */
const args = parseArgs(process.argv.slice(2));
const MODE = validMode(args.mode ?? 'hot');
const CALLS = Number(args.calls ?? 100_000);
const ROUNDS = Number(args.rounds ?? 5);
const SPREAD = validSpread(args.skus ?? 100);

async function main(): Promise<void> {
  // Warmed up by real orders, so the locations' load figures are those the intake benches meet.
  const { fulcrum, bodies, close } = await openIntakeWorld(MODE, SPREAD, 2_000);
  try {
    // The asks intakeAsk makes of the bench's bodies (no price in the catalog: order value 0).
    const asks: SourcingAsk[] = bodies.map((b) => {
      const body = JSON.parse(b) as { deliverTo: SourcingAsk['deliverTo']; lines: SourcingAsk['lines'] };
      return { lines: body.lines, pool: 'default', deliverTo: body.deliverTo, deliveryType: 'home', channel: 'default', orderValue: 0 };
    });
    const now = new Date().toISOString();
    const first = planSourcing(fulcrum, asks[0]!, now);
    if (!first.ok) throw new Error(`the bench's ask is not planned: ${first.reason}`);
    let planned = 0;
    for (let i = 0; i < CALLS; i++) if (planSourcing(fulcrum, asks[i % asks.length]!, now).ok) planned++; // JIT
    const figures: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      const cpu0 = process.cpuUsage();
      for (let i = 0; i < CALLS; i++) if (planSourcing(fulcrum, asks[i % asks.length]!, now).ok) planned++;
      const cpu = process.cpuUsage(cpu0);
      const us = (cpu.user + cpu.system) / CALLS;
      figures.push(us);
      console.log(`${MODE} round ${r + 1}: ${CALLS} calls, ${us.toFixed(2)} µs CPU per planSourcing (user ${(cpu.user / CALLS).toFixed(2)}, system ${(cpu.system / CALLS).toFixed(2)})`);
    }
    if (planned !== CALLS * (ROUNDS + 1)) throw new Error(`${CALLS * (ROUNDS + 1) - planned} calls planned nothing`);
    const sorted = [...figures].sort((a, b) => a - b);
    console.log(`${MODE}: median ${sorted[Math.floor(sorted.length / 2)]!.toFixed(2)} µs CPU per planSourcing over ${ROUNDS} rounds (min ${sorted[0]!.toFixed(2)}, max ${sorted[sorted.length - 1]!.toFixed(2)})`);
  } finally {
    await close();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
