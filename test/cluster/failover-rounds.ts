import { writeResult } from '../../bench/lib/report.js';
import { ClusterWorld, failoverRounds, quantile, sleep } from '../helpers/cluster-world.js';

/**
 * `npm run test:failover`: the long failover run. 20 rounds of a flash sale on three nodes, the leader
 * killed with `kill -9` (10 rounds) or frozen with SIGSTOP and thawed (10 rounds), every node checked after
 * each; takeover times and follower lag under load go to `bench/results/cluster-failover.md`.
 * Options: `-- --rounds N` (default 20), `--workers N` (default 12).
 */
const argv = process.argv.slice(2);
const opt = (name: string, fallback: number) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? Number(argv[i + 1]) : fallback;
};
const rounds = opt('rounds', 20);
const workers = opt('workers', 12);

async function main(): Promise<void> {
  const world = await ClusterWorld.start(101);
  const lags: number[] = [];
  let sampling = true;
  try {
    await world.seed();
    const sampler = (async () => {
      while (sampling) {
        for (const n of world.nodes) {
          const c = await n.cluster();
          if (c?.role === 'follower') lags.push(c.lag);
        }
        await sleep(250);
      }
    })();
    const kinds = Array.from({ length: rounds }, (_, i) => (i % 2 === 0 ? 'kill' : 'freeze') as 'kill' | 'freeze');
    const report = await failoverRounds(world, kinds, false, workers);
    sampling = false;
    await sampler;
    const failed = report.found.filter((n) => n > 0).length;
    const t = report.takeovers;
    const p = report.promotions;
    const body = [
      `${rounds} rounds (${kinds.filter((k) => k === 'kill').length} kill -9, ${kinds.filter((k) => k === 'freeze').length} SIGSTOP then SIGCONT) of ${workers} clients ordering a hot SKU and a spread of SKUs with idempotency keys, 5 s each, the leader disrupted 1.5 s in; three NATS servers and three Fulcrum nodes on loopback, lease 3 s.`,
      '',
      '| what | figure |',
      '|---|---|',
      `| rounds with a violation (lost acknowledged order, oversell, stock not conserved, diverged state) | ${failed} of ${rounds} |`,
      `| orders acknowledged / refused (sold out) / unanswered | ${world.totals.acked} / ${world.totals.rejected} / ${world.totals.unresolved} |`,
      `| takeover (disruption to the next leader accepting writes) p50 / p99 / max | ${quantile(t, 0.5)} / ${quantile(t, 0.99)} / ${Math.max(...t)} ms |`,
      `| of which promotion (lease taken to accepting writes, as the new leader logs it) p50 / p99 / max | ${quantile(p, 0.5)} / ${quantile(p, 0.99)} / ${Math.max(...p)} ms |`,
      `| follower lag under load (stream messages behind, sampled every 250 ms) p50 / p99 | ${quantile(lags, 0.5)} / ${quantile(lags, 0.99)} |`,
      '',
      `Takeover per round (ms): ${t.join(', ')}.`,
      '',
      `Promotion per round (ms): ${p.join(', ')}.`,
    ].join('\n');
    console.log(writeResult('cluster-failover', `npm run test:failover${argv.length ? ` -- ${argv.join(' ')}` : ''}`, body));
    if (failed > 0) {
      console.error(JSON.stringify(report.first, null, 1));
      process.exitCode = 1;
    }
  } finally {
    sampling = false;
    await world.stop();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
