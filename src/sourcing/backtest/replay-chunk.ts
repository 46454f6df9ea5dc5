import { explain } from '../explain.js';
import type { SourcingProfile } from '../profile.js';
import type { SourcingPlan } from '../result.js';
import { sourceOrderSync, type SourcingDecision } from '../source-order.js';
import type { ProductAttributes } from '../types.js';
import type { BacktestSide, ExplainedOrder, OrderRow, PlanRow, ReplayReply, ReplayTask } from './replay-messages.js';
import type { ReplayOrder } from './replay-order.js';
import { indexSeen, replayNetwork, SideLocations } from './replay-network.js';
import { SandboxStock } from './sandbox-stock.js';

/** The parsed profiles a chunk replays with: the draft, and the live versions by `id@version`. */
export interface ReplayProfiles {
  readonly draft: SourcingProfile;
  readonly live: ReadonlyMap<string, SourcingProfile>;
}

/** Candidates an explanation lists: enough to see why the plans differ, small enough to keep hundreds. */
const EXPLAINED_CANDIDATES = 5;

/**
 * Replays a chunk of orders, in the order given, on both sides: each order is planned against the stock it
 * saw, as each side's own earlier choices left it, and its plan then consumes that side's sandbox. Pure apart
 * from the optimizer's clock (its time budget); runs in a worker.
 */
export function replayChunk(task: ReplayTask, profiles: ReplayProfiles): ReplayReply {
  const locations = { live: new SideLocations(task.locations), draft: new SideLocations(task.locations) };
  const products = new Map<string, ProductAttributes>(task.products);
  const sandboxes = { live: new SandboxStock(task.sandboxes.live), draft: new SandboxStock(task.sandboxes.draft) };
  const rows: OrderRow[] = [];
  const explained: ExplainedOrder[] = [];
  const options = { runnerUps: 0, budgetMs: task.budgetMs };
  for (const order of task.orders) {
    const seen = indexSeen(order, locations.live);
    const plan = (side: BacktestSide): SourcingDecision | null => {
      const profile = side === 'draft' ? profiles.draft : profiles.live.get(`${order.live.id}@${order.live.version}`);
      if (!profile) return null;
      const network = replayNetwork(seen, locations[side], products, sandboxes[side]);
      const decision = sourceOrderSync({ ...order.request, now: order.at }, network, profile, options);
      sandboxes[side].settle(order.recorded, decision.result?.plan?.shipments ?? null, order.at);
      return decision;
    };
    const live = plan('live');
    const draft = plan('draft');
    const livePlan = live?.result?.plan ?? null;
    const draftPlan = draft?.result?.plan ?? null;
    const liveKey = planKey(livePlan);
    const changed = liveKey !== planKey(draftPlan);
    rows.push({
      order: order.id,
      at: order.at,
      live: planRow(live),
      draft: planRow(draft),
      ...(livePlan ? {} : { liveWhy: whyNoPlan(live, order) }),
      ...(draftPlan ? {} : { draftWhy: whyNoPlan(draft, order) }),
      changed,
      reproduced: liveKey === planKey({ shipments: order.recorded }),
      unrecorded: admitsUnrecorded(draft, order),
    });
    if ((changed || !draftPlan) && explained.length < task.explain) {
      explained.push({ order: order.id, at: order.at, live: explanationOf(live), draft: explanationOf(draft) });
    }
  }
  return { rows, explained, sandboxes: { live: sandboxes.live.state(), draft: sandboxes.draft.state() } };
}

function planRow(decision: SourcingDecision | null): PlanRow | null {
  const breakdown = decision?.result?.breakdown;
  const plan = decision?.result?.plan;
  if (!plan || !breakdown) return null;
  return {
    cost: breakdown.total,
    terms: breakdown.terms,
    shipments: plan.shipments.map((s, i) => ({
      location: s.location,
      units: s.lines.reduce((n, l) => n + l.qty, 0),
      distanceKm: breakdown.shipments[i]?.distanceKm ?? 0,
    })),
  };
}

/** A plan as a comparable string: its shipments by location, lines by SKU. */
function planKey(plan: Pick<SourcingPlan, 'shipments'> | null): string {
  if (!plan) return '';
  return plan.shipments
    .map((s) => `${s.location}:${[...s.lines].map((l) => `${l.sku}*${l.qty}`).sort().join(',')}`)
    .sort()
    .join(';');
}

function whyNoPlan(decision: SourcingDecision | null, order: ReplayOrder): string {
  if (!decision) return `profile ${order.live.id} v${order.live.version} is not stored`;
  const { result } = decision;
  if (!result) return `no strategy of profile ${decision.profileId} v${decision.profileVersion} applies to the order`;
  if (result.infeasibility === 'split_limit') return `it cannot be served from ${decision.problem?.maxShipments ?? '?'} location(s) or fewer`;
  return `not enough stock at the locations that may ship it (${result.shortLines.map((s) => `${s.sku}: ${s.qty} wanted, ${s.available} available`).join('; ')})`;
}

/** Whether the side's filters passed a location whose stock the record did not keep (it then counted as none). */
function admitsUnrecorded(decision: SourcingDecision | null, order: ReplayOrder): boolean {
  if (order.seen.unrecorded.length === 0 || !decision?.problem) return false;
  const unrecorded = new Set(order.seen.unrecorded);
  return decision.problem.excluded.some((e) => unrecorded.has(e.location) && e.reasons.every((r) => r.code === 'no_stock'));
}

function explanationOf(decision: SourcingDecision | null) {
  if (!decision?.result || !decision.problem) return null;
  return explain(decision.result, decision.problem, { attempts: decision.attempts, maxCandidates: EXPLAINED_CANDIDATES });
}
