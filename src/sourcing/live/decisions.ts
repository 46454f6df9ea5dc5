import { checkVersion, SCHEMA_VERSION } from '../../../snapshots/index.js';
import type { OrderLine } from '../../domain/order.js';
import { BUILT_IN_UNIT_TERMS, FIXED_TERMS } from '../cost-model.js';
import { explain, type SourcingExplanation } from '../explain.js';
import { optimize } from '../optimize.js';
import type { ProblemLine, SourcingProblem } from '../problem.js';
import type { SourcingResult } from '../result.js';
import type { StrategyAttempt } from '../source-order.js';
import { isStoredNumbers, storableNumbers, storedFloat64, type StoredNumbers } from '../stored-numbers.js';
import type { Engine, Step } from '../../engine/index.js';
import type { RecordedSight } from '../backtest/stock-seen.js';
import type { TransferChoice } from './consider-transfers.js';
import type { Recheck, SourcingAsk, SourcingOutcome } from './plan-sourcing.js';

/** One sourcing decision about an order, as `GET /orders/:id/sourcing` shows it. */
export interface SourcingDecisionView {
  at: string;
  /** `intake` when the order was placed; `resourcing` after a location rejected a fulfilment; `edit` after its destination or delivery type changed. */
  kind: 'intake' | 'resourcing' | 'edit';
  lines: OrderLine[];
  excludeLocations?: string[];
  profile: { id: string; version: number } | null;
  /** The strategy that planned; null when none did. */
  strategy: string | null;
  outcome: 'planned' | 'no_plan';
  /** Fulfilments the plan created. */
  fulfilments?: string[];
  /** For a plan made off the engine's thread: it still fitted stock in the step, or was planned again. */
  recheck?: Recheck;
  /**
   * When the strategy allows transfers and the order splits (or could not be sent whole): the one-parcel plan
   * with its transfers and cost, the split's cost, and which was chosen. When the transfers were chosen, the
   * explanation is that of the split they beat.
   */
  transfer?: TransferChoice;
  /** Null when the pool lacked the units before any strategy ran. */
  explanation: SourcingExplanation | null;
}

/**
 * A decision as stored. A proven decision keeps its problem and derives the explanation when read: the
 * optimizer is deterministic and the problem is plain data, so solving it again (with runner-ups) gives the
 * same plan. That keeps explaining off the intake step. A decision that is not proven (a time budget ran
 * out, a worker fell back to greedy) stores its explanation as made, since solving again could differ.
 */
export interface StoredDecision extends Omit<SourcingDecisionView, 'explanation'> {
  explanation: SourcingExplanation | null;
  problem?: StoredProblem;
  attempts?: readonly StrategyAttempt[];
  /**
   * Instead of `attempts` (records written since 2026-12): the attempts before the strategy that planned,
   * whose own attempt (`{strategyId: strategy, outcome: 'planned'}`) the record implies.
   */
  tried?: readonly StrategyAttempt[];
}

/**
 * A problem as a decision keeps it: its Float64Arrays as `StoredNumbers` (bytes; `{f64: [...]}` in older
 * records). A field the record already says elsewhere (profile, strategy, lines) or that equals the built-in term
 * list is left out and filled back when read; records written before hold every field.
 */
export type StoredProblem = {
  readonly [K in keyof SourcingProblem]?: SourcingProblem[K] extends Float64Array | undefined ? StoredNumbers : SourcingProblem[K];
};

/** A decision as a backtest reads it: the stored record, its problem's numbers as stored. */
export type RecordedDecision = Omit<StoredDecision, 'problem'> & RecordedSight;

/** Per engine: the step seen last and the decisions recorded in it per order, so two in one step get distinct keys. */
const recorded = new WeakMap<Engine, { seq: number; byOrder: Map<string, number> }>();

/**
 * Stores a decision with the explanation it had. The put is issued inside the step, so it joins the event
 * turn's LMDB transaction and is durable exactly when the step's facts are; a failed write is fatal, as
 * for the journal.
 */
export function recordDecision(
  engine: Engine,
  step: Step,
  orderId: string,
  kind: SourcingDecisionView['kind'],
  ask: SourcingAsk,
  outcome: SourcingOutcome,
  fulfilments?: string[],
  transfer?: TransferChoice,
): void {
  const { decision } = outcome;
  const lazy = decision?.result?.proven === true && decision.problem !== null;
  const view: StoredDecision = {
    at: step.iso,
    kind,
    lines: ask.lines,
    ...(ask.exclude?.size ? { excludeLocations: [...ask.exclude].sort() } : {}),
    profile: decision && { id: decision.profileId, version: decision.profileVersion },
    strategy: decision?.strategyId ?? null,
    outcome: outcome.ok || transfer?.chosen === true ? 'planned' : 'no_plan',
    ...(fulfilments ? { fulfilments } : {}),
    ...(transfer ? { transfer } : {}),
    ...(outcome.ok && outcome.recheck ? { recheck: outcome.recheck } : {}),
    explanation: lazy || !decision?.result || !decision.problem ? null : explain(decision.result, decision.problem, { attempts: decision.attempts }),
  };
  if (lazy) {
    view.problem = storable(decision!.problem!, view);
    const { attempts } = decision!;
    const last = attempts[attempts.length - 1];
    if (last && impliedAttempt(last, view.strategy)) view.tried = attempts.slice(0, -1);
    else view.attempts = attempts;
  }
  let inStep = recorded.get(engine);
  if (!inStep) recorded.set(engine, (inStep = { seq: step.seq, byOrder: new Map() }));
  if (inStep.seq !== step.seq) {
    inStep.seq = step.seq;
    inStep.byOrder.clear();
  }
  const n = inStep.byOrder.get(orderId) ?? 0;
  inStep.byOrder.set(orderId, n + 1);
  engine.failOnReject(engine.store.decisions.put(decisionKey(orderId, step.seqKey, n), { v: SCHEMA_VERSION, doc: view }));
}

/** The sourcing decisions about an order, oldest first (empty for an order placed before they were kept). */
export function sourcingDecisions({ engine }: { engine: Engine }, orderId: string): SourcingDecisionView[] {
  const out: SourcingDecisionView[] = [];
  // `/` sorts right after the id and `0` right after `/`, so this range is exactly this order's keys.
  for (const { value } of engine.store.decisions.getRange({ start: `${orderId}/`, end: `${orderId}0` })) {
    checkVersion('sourcing decision', value);
    const { problem, attempts: kept, tried, ...stored } = value.doc as StoredDecision;
    const attempts = tried ? [...tried, { strategyId: stored.strategy!, outcome: 'planned' as const }] : kept;
    const solved = problem && revived(problem, stored);
    const explanation = solved ? explain(solveToExplain(solved), solved, attempts ? { attempts } : {}) : stored.explanation;
    out.push({ ...stored, explanation });
  }
  return out;
}

/**
 * Solves a stored problem again to explain it. Dominance pruning keeps the best plan exact but drops the
 * dominated locations' plans, and those are the runner-ups a reader wants to see ("why not the store next
 * door?"). So the explanation searches without it, within a budget; it is used only when it finishes and
 * chooses the same shipments as the pruned search, which is the one the decision was made with.
 */
function solveToExplain(problem: SourcingProblem): SourcingResult {
  const decided = optimize(problem);
  const full = optimize(problem, { dominance: false, budgetMs: EXPLAIN_BUDGET_MS });
  const same = full.proven && JSON.stringify(full.plan) === JSON.stringify(decided.plan);
  return same ? full : decided;
}

/** How long reading an explanation may search for runner-ups among dominated locations. */
const EXPLAIN_BUDGET_MS = 50;

/**
 * The problem as a decision stores it (see `StoredProblem`): the put encodes it on the engine's thread for
 * every order, so what the record says elsewhere is not written twice and long number arrays go as bytes.
 */
function storable(problem: SourcingProblem, record: Pick<StoredDecision, 'profile' | 'strategy' | 'lines'>): StoredProblem {
  // Plain loops, not Object.entries and Array.from: on every intake step these allocated ~3 KB of entry
  // pairs and iterator results per order (allocation sampling of bench/intake/in-process.js).
  const out: Record<string, unknown> = {};
  for (const k in problem) {
    const v = (problem as unknown as Record<string, unknown>)[k];
    if (v instanceof Float64Array) out[k] = storableNumbers(v);
    else if (!impliedByRecord(k, v, record)) out[k] = v;
  }
  return out as StoredProblem;
}

/** Whether an attempt is the one a record implies: its strategy planned, and nothing else is said of it. */
function impliedAttempt(attempt: StrategyAttempt, strategy: string | null): boolean {
  if (attempt.strategyId !== strategy || attempt.outcome !== 'planned') return false;
  for (const k in attempt) if (k !== 'strategyId' && k !== 'outcome') return false;
  return true;
}

/** Whether a problem's field equals what the rest of the record says, or the built-in term list: left out. */
function impliedByRecord(field: string, value: unknown, record: Pick<StoredDecision, 'profile' | 'strategy' | 'lines'>): boolean {
  switch (field) {
    case 'profileId':
      return value === record.profile?.id;
    case 'profileVersion':
      return value === record.profile?.version;
    case 'strategyId':
      return value === record.strategy;
    case 'lines':
      return sameLines(value as readonly ProblemLine[], record.lines);
    case 'unitTermNames':
      return sameNames(value as readonly string[], BUILT_IN_UNIT_TERMS);
    case 'fixedTermNames':
      return sameNames(value as readonly string[], FIXED_TERMS);
    default:
      return false;
  }
}

function sameLines(a: readonly ProblemLine[], b: readonly OrderLine[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i]!.sku !== b[i]!.sku || a[i]!.qty !== b[i]!.qty) return false;
  return true;
}

function sameNames(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The problem a stored one describes: the fields left out filled from the record, numbers as Float64Arrays. */
function revived(problem: StoredProblem, record: Pick<StoredDecision, 'profile' | 'strategy' | 'lines'>): SourcingProblem {
  const out: Record<string, unknown> = {
    profileId: record.profile?.id,
    profileVersion: record.profile?.version,
    strategyId: record.strategy,
    lines: record.lines.map((l) => ({ sku: l.sku, qty: l.qty })),
    unitTermNames: BUILT_IN_UNIT_TERMS,
    fixedTermNames: FIXED_TERMS,
  };
  for (const [k, v] of Object.entries(problem)) out[k] = isStoredNumbers(v) ? storedFloat64(v) : v;
  return out as unknown as SourcingProblem;
}

/** `<order>/<step seq, zero-padded so keys sort by it>/<n>`. */
function decisionKey(orderId: string, seqKey: string, n: number): string {
  return `${orderId}/${seqKey}/${n}`;
}

/**
 * The intake decisions of the orders whose ids lie in [`from`, `to`), oldest first (ids sort by creation, so
 * this is the order they arrived in), raw as stored: for backtests, which read what each order saw and explain
 * nothing (a problem's numbers stay as stored, `StoredNumbers`: reviving every matrix cost ~190 us an order).
 * At most `limit` orders; `after` continues from an order id.
 */
export function recordedIntakeDecisions(engine: Engine, range: { from: string; to: string; after?: string }, limit: number): Array<{ orderId: string; decision: RecordedDecision }> {
  const out: Array<{ orderId: string; decision: RecordedDecision }> = [];
  // `0` sorts right after `/`, so `<id>0` starts past every key of that order.
  const start = range.after === undefined ? range.from : `${range.after}0`;
  let last: string | undefined;
  for (const { key, value } of engine.store.decisions.getRange({ start, end: range.to })) {
    const orderId = (key as string).slice(0, (key as string).indexOf('/'));
    if (orderId === last) continue;
    checkVersion('sourcing decision', value);
    const stored = value.doc as StoredDecision;
    if (stored.kind !== 'intake') continue;
    if (out.length >= limit) break;
    last = orderId;
    out.push({ orderId, decision: asRecorded(stored) });
  }
  return out;
}

/** A stored decision as a backtest reads it: its problem's lines filled back when the record left them out. */
function asRecorded(stored: StoredDecision): RecordedDecision {
  const { problem } = stored;
  if (!problem || problem.lines) return stored as RecordedDecision;
  return { ...stored, problem: { ...problem, lines: stored.lines } } as RecordedDecision;
}

/** How many orders in [`from`, `to`) have a recorded decision: one key scan, nothing decoded. */
export function countRecordedOrders(engine: Engine, range: { from: string; to: string }): number {
  let n = 0;
  let last = '';
  for (const key of engine.store.decisions.getKeys({ start: range.from, end: range.to })) {
    const orderId = (key as string).slice(0, (key as string).indexOf('/'));
    if (orderId !== last) n++;
    last = orderId;
  }
  return n;
}
