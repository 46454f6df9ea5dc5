import { z } from 'zod';
import { DomainError, formatPath, type ErrorDetail } from '../domain/errors.js';
import type { SourcingProfile, SourcingProfileDocument, SourcingProfiles } from '../sourcing/index.js';
import { usesPlugins, type BacktestFilter } from './period-orders.js';

/** A backtest as asked for, validated: the draft (parsed, defaults applied), the period, the filter. */
export interface BacktestRequest {
  draft: SourcingProfileDocument;
  /** Where the draft came from: a document sent with the request, or a stored version. */
  source: 'document' | 'stored';
  fromMs: number;
  toMs: number;
  filter: BacktestFilter;
}

const isoTime = z.string().refine((s) => /^\d{4}-\d{2}-\d{2}T/.test(s) && Number.isFinite(Date.parse(s)), 'must be an ISO-8601 time such as 2026-12-01T00:00:00Z');
const names = z.array(z.string().min(1, 'must not be empty').max(200)).min(1, 'must list at least one').max(1000);
const BacktestBody = z.strictObject({
  profile: z.unknown(),
  from: isoTime,
  to: isoTime,
  filter: z.strictObject({ channels: names.optional(), pools: names.optional(), deliveryTypes: names.optional(), skus: names.optional() }).optional(),
});

/**
 * Validates `POST /sourcing/backtests`. Every problem is reported at once, the draft's included (under
 * `profile.`): a draft that does not validate, a stored version that does not exist, plugin parts (a backtest
 * worker loads no plugin code), a period that ends before it starts.
 */
export function parseBacktestRequest(body: unknown, profiles: Pick<SourcingProfiles, 'get' | 'parse'>): BacktestRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new DomainError('invalid_request', 'the backtest request must be a JSON object', [{ path: '(body)', message: 'must be an object' }]);
  }
  const details: ErrorDetail[] = [];
  const parsed = BacktestBody.safeParse(body);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) details.push({ path: formatPath(issue.path), message: issue.message });
  }
  const profileInput = (body as { profile?: unknown }).profile;
  const draft = profileInput === undefined ? undefined : parseProfile(profileInput, profiles, details);
  if (profileInput === undefined) details.push({ path: 'profile', message: 'required: a draft profile document, or {id, version} of a stored version' });
  const fromMs = parsed.success ? Date.parse(parsed.data.from) : NaN;
  const toMs = parsed.success ? Date.parse(parsed.data.to) : NaN;
  if (parsed.success && !(fromMs < toMs)) details.push({ path: 'to', message: 'must be after from' });
  if (details.length > 0 || !draft || !parsed.success) {
    const first = details[0];
    const more = details.length > 1 ? ` (and ${details.length - 1} more)` : '';
    throw new DomainError('invalid_request', `the backtest request is not valid: ${first?.path ?? '(body)'}: ${first?.message ?? 'invalid'}${more}`, details);
  }
  return { draft: draft.profile.document, source: draft.source, fromMs, toMs, filter: parsed.data.filter ?? {} };
}

function parseProfile(input: unknown, profiles: Pick<SourcingProfiles, 'get' | 'parse'>, details: ErrorDetail[]): { profile: SourcingProfile; source: BacktestRequest['source'] } | undefined {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    details.push({ path: 'profile', message: 'must be a draft profile document, or {id, version} of a stored version' });
    return undefined;
  }
  const keys = Object.keys(input);
  const stored = keys.length === 2 && keys.includes('id') && keys.includes('version');
  let doc: unknown = { id: 'draft', version: 1, ...input };
  if (stored) {
    const { id, version } = input as { id: unknown; version: unknown };
    doc = typeof id === 'string' ? profiles.get(id)?.versions.find((v) => v.version === version)?.document : undefined;
    if (!doc) {
      details.push({ path: 'profile', message: `no stored sourcing profile ${String(id)} v${String(version)} (GET /sourcing-profiles lists them)` });
      return undefined;
    }
  }
  try {
    const profile = profiles.parse(doc);
    if (usesPlugins(profile.document)) {
      details.push({ path: 'profile.strategies', message: 'names plugin parts, which a backtest cannot replay (its worker loads no plugin code)' });
      return undefined;
    }
    return { profile, source: stored ? 'stored' : 'document' };
  } catch (e) {
    if (!(e instanceof DomainError) || e.type !== 'invalid_request') throw e;
    for (const d of e.details) details.push({ ...d, path: d.path ? `profile.${d.path}` : 'profile' });
    return undefined;
  }
}
