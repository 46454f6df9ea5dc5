import { gapClosed, type SeedOutcome } from './experiment.js';
import { DEFAULT_INSTANCE } from './instance.js';
import { MAIN } from './variants.js';

export interface ReportMeta {
  readonly command: string;
  readonly date: string;
  readonly nproc: number;
  readonly node: string;
  readonly orders: number;
  readonly milpTimeLimitSec: number;
  readonly seconds: number;
}

/**
 * Seeds below this one were run while the variants were chosen (their figures were seen); from it on they
 * are held out, so a variant that only fits the first seeds shows it there.
 */
export const FIRST_HELD_OUT_SEED = 11;

/** Share of the summed gap closed over all seeds: sum(myopic - policy) / sum(myopic - clairvoyant). */
export function pooledGapClosed(seeds: readonly SeedOutcome[], variant: string): number {
  let closed = 0;
  let gap = 0;
  for (const s of seeds) {
    closed += s.myopic.cost - s.variants.get(variant)!.cost;
    gap += s.myopic.cost - s.clairvoyant.cost;
  }
  return closed / gap;
}

function median(values: number[]): number {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

const pct = (x: number) => (Number.isFinite(x) ? `${(100 * x).toFixed(1)}%` : 'n/a');
const money = (x: number) => x.toFixed(1);

/** The report as markdown. */
export function toMarkdown(seeds: readonly SeedOutcome[], meta: ReportMeta): string {
  const main = MAIN.name;
  const closed = pooledGapClosed(seeds, main);
  const perSeed = seeds.map((s) => gapClosed(s.myopic.cost, s.variants.get(main)!.cost, s.clairvoyant.cost));
  const notOptimal = seeds.filter((s) => s.clairvoyant.status !== 'Optimal').map((s) => s.seed);
  const variantNames = [...(seeds[0]?.variants.keys() ?? [])];
  const seen = seeds.filter((s) => s.seed < FIRST_HELD_OUT_SEED);
  const heldOut = seeds.filter((s) => s.seed >= FIRST_HELD_OUT_SEED);
  const out = [
    '# Look-ahead sourcing benchmark',
    '',
    `- Date: ${meta.date}`,
    `- Machine: \`nproc\` = ${meta.nproc}`,
    `- Node: ${meta.node}`,
    `- Command: \`${meta.command}\``,
    `- Seeds: ${seeds.map((s) => s.seed).join(', ')}; total run time ${meta.seconds.toFixed(1)} s`,
    `- Instance per seed: ${DEFAULT_INSTANCE.regions} regions (the largest German cities, demand ~ sqrt(population) x U(0.6, 1.4)), ` +
      `${DEFAULT_INSTANCE.stores} stores in randomly chosen ones, one distribution centre (Kassel, unlimited stock), ${DEFAULT_INSTANCE.skus} SKUs ` +
      `(0.5-3 kg, popularity ~ 1/rank^0.6); Poisson arrivals, ${meta.orders} orders expected over ${DEFAULT_INSTANCE.horizonHours} h; ` +
      `55% one line, then 2 or 3 SKUs, 15% of lines 2 units; customers ~15 km around their city centre; the stores hold ${DEFAULT_INSTANCE.storeCover * 100}% ` +
      `of the season's expected demand, spread over them at random; no replenishment within the season. A season of history (same process) seeds the demand window.`,
    '- Costs (the strategy every policy uses): shipping 0.01 per kg and km, 3 per shipment, up to 3 shipments, lines may split, every other soft term off. ' +
      'Total cost is what the plans cost on these terms; the look-ahead term steers choices but is not counted.',
    `- Myopic: Fulcrum's optimizer, order by order (exact for each order). Look-ahead: the same with the \`lookAhead\` term, future values from the fluid LP ` +
      `(\`src/sourcing/look-ahead/\`, HiGHS). Clairvoyant: every order of the season known in advance, one MILP (HiGHS, time limit ${meta.milpTimeLimitSec} s)` +
      (notOptimal.length === 0 ? ', proven optimal on every seed.' : `; not proven optimal on seeds ${notOptimal.join(', ')} (best found used).`),
    `- Main policy (fixed before the figures): ${describePolicy()}.`,
    '',
    '## Result',
    '',
    `The main look-ahead policy closes **${pct(closed)}** of the myopic-to-clairvoyant gap over all seeds (summed gaps; median per seed ${pct(median(perSeed))}; ` +
      `goal 40%: ${closed >= 0.4 ? 'met' : 'not met'}). Acimovic & Graves report about 36% for their LP-dual heuristic.`,
    '',
    '| seed | orders | myopic cost | look-ahead cost | clairvoyant cost | gap closed | shipments (myopic / look-ahead / clairvoyant) | split orders (m / la / c) | units from the DC (m / la) | LP solves, ms | MILP s |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
    ...seeds.map((s) => {
      const la = s.variants.get(main)!;
      return `| ${s.seed} | ${s.orders} | ${money(s.myopic.cost)} | ${money(la.cost)} | ${money(s.clairvoyant.cost)} | ${pct(gapClosed(s.myopic.cost, la.cost, s.clairvoyant.cost))} | ${s.myopic.shipments} / ${la.shipments} / ${s.clairvoyant.shipments} | ${s.myopic.splitOrders} / ${la.splitOrders} / ${s.clairvoyant.splitOrders} | ${s.myopic.unitsFromDc} / ${la.unitsFromDc} | ${la.lpSolves}, ${la.lpMs.toFixed(0)} | ${(s.clairvoyant.solveMs / 1000).toFixed(1)} |`;
    }),
    `| all | ${sum(seeds, (s) => s.orders)} | ${money(sum(seeds, (s) => s.myopic.cost))} | ${money(sum(seeds, (s) => s.variants.get(main)!.cost))} | ${money(sum(seeds, (s) => s.clairvoyant.cost))} | ${pct(closed)} | ${sum(seeds, (s) => s.myopic.shipments)} / ${sum(seeds, (s) => s.variants.get(main)!.shipments)} / ${sum(seeds, (s) => s.clairvoyant.shipments)} | ${sum(seeds, (s) => s.myopic.splitOrders)} / ${sum(seeds, (s) => s.variants.get(main)!.splitOrders)} / ${sum(seeds, (s) => s.clairvoyant.splitOrders)} | ${sum(seeds, (s) => s.myopic.unitsFromDc)} / ${sum(seeds, (s) => s.variants.get(main)!.unitsFromDc)} | | |`,
    '',
  ];
  if (variantNames.length > 1) {
    out.push(
      '## What else was tried',
      '',
      'Each row changes one thing from the main policy, on the same seeds and instances.',
      '',
      `Seeds ${seen.length > 0 ? `${seen[0]!.seed}-${seen[seen.length - 1]!.seed}` : '(none)'} were run while the variants were chosen; seeds ${heldOut.length > 0 ? `${heldOut[0]!.seed}-${heldOut[heldOut.length - 1]!.seed}` : '(none)'} were held out until they were fixed.`,
      '',
      '| variant | gap closed, seen seeds | gap closed, held-out seeds | gap closed, all seeds | median per seed | seeds worse than myopic | total cost |',
      '|---|---|---|---|---|---|---|',
      ...variantNames.map((name) => {
        const per = seeds.map((s) => gapClosed(s.myopic.cost, s.variants.get(name)!.cost, s.clairvoyant.cost));
        const worse = seeds.filter((s) => s.variants.get(name)!.cost > s.myopic.cost + 1e-9).length;
        const part = (group: readonly SeedOutcome[]) => (group.length === 0 ? 'n/a' : pct(pooledGapClosed(group, name)));
        return `| ${name === main ? `**${name} (main)**` : name} | ${part(seen)} | ${part(heldOut)} | ${pct(pooledGapClosed(seeds, name))} | ${pct(median(per))} | ${worse} of ${seeds.length} | ${money(sum(seeds, (s) => s.variants.get(name)!.cost))} |`;
      }),
      '',
    );
  }
  return out.join('\n');
}

function describePolicy(): string {
  const p = MAIN.policy;
  return `demand from the last ${p.windowHours} h of orders by 50 km region and SKU, LP re-solved every ${p.refreshHours} simulated hours, horizon ${p.horizon === 'remaining' ? 'the rest of the season' : `${p.horizon} h`}, duals x ${MAIN.weight}`;
}

function sum(seeds: readonly SeedOutcome[], f: (s: SeedOutcome) => number): number {
  return seeds.reduce((a, s) => a + f(s), 0);
}
