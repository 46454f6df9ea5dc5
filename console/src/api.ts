/**
 * Every HTTP call the console makes, typed, in one place: when the typed client generated from
 * `/openapi.json` lands, these bodies switch to it and nothing else in the console changes.
 */

/** The error envelope every 4xx/5xx carries, as a thrown value the tiles can show. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
    readonly details: Array<{ path?: string; message: string }>,
  ) {
    super(message);
  }
}

let key: string | undefined;

/** Sets the API key every later call sends (the session keeps it in sessionStorage). */
export function useKey(secret: string | undefined): void {
  key = secret;
}

async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = {};
  if (key) headers.authorization = `Bearer ${key}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(path, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  } catch {
    throw new ApiError(0, 'network', 'Fulcrum did not answer: check that the server is running, then retry.', []);
  }
  const text = await res.text();
  if (!res.ok) {
    let parsed: { error?: { type?: string; message?: string; details?: Array<{ path?: string; message: string }> } } = {};
    try {
      parsed = JSON.parse(text);
    } catch {
      /* not the envelope: report the status */
    }
    throw new ApiError(res.status, parsed.error?.type ?? 'http', parsed.error?.message ?? `HTTP ${res.status}`, parsed.error?.details ?? []);
  }
  return (path === '/metrics' ? text : text ? JSON.parse(text) : undefined) as T;
}

const q = (params: Record<string, string | number | undefined | string[]>) => {
  const s = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === '') continue;
    for (const one of Array.isArray(v) ? v : [v]) s.append(k, String(one));
  }
  const text = s.toString();
  return text ? `?${text}` : '';
};

export type Permission = string;
export type Role = 'admin' | 'ops' | 'storefront' | 'publishable';
export interface Me { keyId: string; role: Role; channels?: string[]; permissions: Permission[] }
export type ConfigValue = string | number | boolean | string[];
export interface TileSpec { id: string; type: string; width: 'third' | 'half' | 'full'; config: Record<string, ConfigValue> }
export interface Layout { role: Role; screens: Partial<Record<string, TileSpec[]>>; updatedAt: string | null; updatedBy?: string }
export interface Pool { id: string; name?: string; channel?: string }
export interface Product { sku: string; name: string; attributes: Record<string, unknown> }
export interface AvailabilityItem { sku: string; ats: number; inbound?: number; future?: Array<{ qty: number; from: string }>; locations?: Array<{ id: string; ats: number }> }
export interface Position { location: string; sku: string; onHand: number; available: number; reserved: number; shipped: number; statuses: Record<string, number>; inbound: number }
export interface Location { id: string; name: string; type?: string; skus: number; status?: string }
export interface Line { sku: string; qty: number }
export interface Fulfilment { id: string; location: string; lines: Line[]; status: string }
export interface Order {
  id: string; status: string; channel: string; pool: string; customer: { id: string }; lines: Line[]; fulfilments: Fulfilment[];
  createdAt: string; updatedAt: string; workflow: string; value?: number; promisedAt?: string;
  waiting?: Array<{ sku: string; qty: number; inbound: string; mode: string; promisedAt: string; place?: number }>;
  returns?: Array<{ id: string; state: string }>;
}
export interface Page<T> { items: T[]; next?: string | null; cursor?: string | null }
export interface TimelineItem { at: string; by?: string; event?: { type: string; [k: string]: unknown }; status?: string; from?: string; effects?: Array<{ type: string; event?: string }> }
export interface Explanation {
  summary?: string; method?: string; outcome?: string;
  plan?: { cost: number; shipments: Array<{ location: string; distanceKm: number; lines: Line[]; cost: number }> };
  runnerUps?: Array<{ cost: number; extraCost: number; locations: string[] }>;
  excluded?: { total: number; locations: Array<{ location: string; reasons: string[] }> };
}
export interface SourcingDecision { at: string; kind: string; outcome: string; explanation?: Explanation; lines: Line[] }
export interface Alert { id: string; alert: string; severity: 'info' | 'warning' | 'critical'; message: string; entity: string; createdAt: string; updatedAt: string; status: 'open' | 'acknowledged' | 'resolved'; acknowledgedBy?: string }
export interface Entity { id: string; status: string; state: string; workflow: string; timers?: Record<string, string>; sla?: Record<string, { alert: string }>; [k: string]: unknown }
export interface Inbound { id: string; location: string; kind: string; expectedAt: string; lines: Line[]; state: string; reference?: string; allotting: number; received?: Line[] }
export interface SupplyRule { id: string; skus: string[]; mode: 'backorder' | 'preorder'; pool?: string; channel?: string; cap?: number; description?: string; window?: { from?: string; to?: string } }
export interface WorkflowSummary { entity: string; name: string; active: number | null; versions: Array<{ version: number; status: string; createdAt: string; activatedAt?: string }> }
export interface WorkflowState { description?: string; on?: Record<string, unknown>; always?: unknown; type?: string; entry?: unknown[] }
export interface WorkflowDefinition { description?: string; initial: string; states: Record<string, WorkflowState> }
export interface Workflow { entity: string; name: string; versions: Array<{ version: number; status: string; createdAt: string; definition: WorkflowDefinition }> }
export interface ProfileSummary { id: string; active: number | null; versions: Array<{ version: number; status: string; createdAt: string }> }
export interface Preview { outcome?: string; explanation?: Explanation; fulfilments?: Fulfilment[]; [k: string]: unknown }

export const api = {
  me: () => call<Me>('GET', '/ui/me'),
  layout: (role: Role) => call<Layout>('GET', `/ui/layouts/${role}`),
  saveLayout: (role: Role, screens: Layout['screens']) => call<Layout>('PUT', `/ui/layouts/${role}`, { screens }),
  plugins: () => call<{ scripts: string[] }>('GET', '/console/plugins.json'),

  pools: () => call<{ items: Pool[] }>('GET', '/pools'),
  locations: () => call<{ items: Location[] }>('GET', '/locations'),
  products: (text: string, limit = 20) => call<{ items: Product[] }>('GET', `/products${q({ q: text, limit })}`),
  availability: (pool: string, skus: string[], locations = false) =>
    call<{ pool: string; items: AvailabilityItem[] }>('GET', `/availability${q({ pool, sku: skus, locations: locations ? 'true' : undefined })}`),
  position: (location: string, sku: string) => call<Position>('GET', `/inventory/${encodeURIComponent(location)}/${encodeURIComponent(sku)}`),

  orders: (status?: string, limit = 50) => call<Page<Order>>('GET', `/orders${q({ status, limit })}`),
  order: (id: string) => call<Order>('GET', `/orders/${encodeURIComponent(id)}`),
  orderHistory: (id: string) => call<Page<TimelineItem>>('GET', `/orders/${encodeURIComponent(id)}/history?limit=200`),
  orderSourcing: (id: string) => call<{ decisions: SourcingDecision[] }>('GET', `/orders/${encodeURIComponent(id)}/sourcing`),
  orderEvent: (id: string, type: string) => call<Order>('POST', `/orders/${encodeURIComponent(id)}/events`, { type }),
  cancelOrder: (id: string, reason: string) => call<Order>('POST', `/orders/${encodeURIComponent(id)}/cancel`, { reason }),
  entity: (kind: 'fulfilments' | 'returns' | 'transfers', id: string) => call<Entity>('GET', `/${kind}/${encodeURIComponent(id)}`),
  entityEvent: (kind: 'fulfilments' | 'returns' | 'transfers', id: string, event: Record<string, unknown>) => call<Entity>('POST', `/${kind}/${encodeURIComponent(id)}/events`, event),

  alerts: (status?: string) => call<{ items: Alert[] }>('GET', `/alerts${q({ status, limit: 200 })}`),
  changeAlert: (id: string, action: 'acknowledge' | 'resolve') => call<Alert>('POST', `/alerts/${encodeURIComponent(id)}/${action}`),

  inbound: () => call<{ items: Inbound[] }>('GET', '/inbound'),
  supplyRules: () => call<{ items: SupplyRule[] }>('GET', '/supply-rules'),

  returns: (state?: string) => call<{ items: Entity[] }>('GET', `/returns${q({ state })}`),

  workflows: () => call<{ items: WorkflowSummary[] }>('GET', '/workflows'),
  workflow: (entity: string, name: string) => call<Workflow>('GET', `/workflows/${entity}/${name}`),
  putWorkflow: (entity: string, name: string, definition: unknown) => call<{ version: number; status: string }>('PUT', `/workflows/${entity}/${name}`, definition),
  activateWorkflow: (entity: string, name: string, version: number) => call<WorkflowSummary>('POST', `/workflows/${entity}/${name}/versions/${version}/activate`),

  profiles: () => call<{ active: { id: string; version: number } | null; items: ProfileSummary[] }>('GET', '/sourcing-profiles'),
  preview: (order: unknown) => call<Preview>('POST', '/sourcing/preview', order),

  metrics: () => call<string>('GET', '/metrics'),
};
