/**
 * Every HTTP call the console makes, in one place, over the typed client generated from `/openapi.json`
 * (`src/client`): paths, parameters and bodies are checked against the document at compile time, and the
 * screens keep calling `api.*` and catching `ApiError` as before.
 */
import { createClient, type paths } from '../../src/client/index.js';

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

/** A client of this origin (the console is served by the server it talks to) that sends `secret` when there is one. */
function connect(secret: string | undefined) {
  const fulcrum = createClient('', secret ?? '');
  if (!secret) fulcrum.use({ onRequest: ({ request }) => (request.headers.delete('authorization'), request) });
  return fulcrum;
}
let client = connect(undefined);

/** Sets the API key every later call sends (the session keeps it in sessionStorage). */
export function useKey(secret: string | undefined): void {
  client = connect(secret);
}

type Envelope = { error?: { type?: string; message?: string; details?: Array<{ path?: string; message: string }> } };

/** Unwraps an openapi-fetch reply: the data on 2xx, an `ApiError` from the envelope otherwise. */
async function call<T>(request: (fulcrum: typeof client) => Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  let reply: { data?: T; error?: unknown; response: Response };
  try {
    reply = await request(client);
  } catch (failure) {
    if (failure instanceof SyntaxError) throw failure; // a 2xx whose body is not JSON: a server bug, not the network
    throw new ApiError(0, 'network', 'Fulcrum did not answer: check that the server is running, then retry.', []);
  }
  const { response } = reply;
  if (!response.ok) {
    const parsed = (reply.error && typeof reply.error === 'object' ? reply.error : {}) as Envelope;
    throw new ApiError(response.status, parsed.error?.type ?? 'http', parsed.error?.message ?? `HTTP ${response.status}`, parsed.error?.details ?? []);
  }
  return reply.data as T;
}

/**
 * Where the document describes a reply more loosely than the console reads it (passthrough objects, `unknown`
 * members), the console's own interface below names what it reads: the path, parameters and body stay checked.
 */
const loose = <T>(reply: Promise<unknown>): Promise<T> => reply as Promise<T>;

/** The JSON body the document declares for a route: text the user typed (a workflow, a preview order) is sent as
 *  such, and the server's validation answers with the error envelope when it does not fit. */
type Body<P extends keyof paths, M extends 'post' | 'put'> =
  NonNullable<paths[P][M]> extends { requestBody?: { content: { 'application/json': infer B } } } ? B : never;

/** Drops empty filters, as the console never asks for `?status=`. */
const opt = (value: string | undefined) => (value === undefined || value === '' ? undefined : value);

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

const id = (value: string) => ({ path: { id: value } });

export const api = {
  me: (): Promise<Me> => loose(call((c) => c.GET('/ui/me'))),
  layout: (role: Role): Promise<Layout> => loose(call((c) => c.GET('/ui/layouts/{role}', { params: { path: { role } } }))),
  saveLayout: (role: Role, screens: Layout['screens']): Promise<Layout> =>
    loose(call((c) => c.PUT('/ui/layouts/{role}', { params: { path: { role } }, body: { screens: screens as Body<'/ui/layouts/{role}', 'put'>['screens'] } }))),
  plugins: (): Promise<{ scripts: string[] }> => call((c) => c.GET('/console/plugins.json')),

  pools: (): Promise<{ items: Pool[] }> => call((c) => c.GET('/pools')),
  locations: (): Promise<{ items: Location[] }> => call((c) => c.GET('/locations')),
  products: (text: string, limit = 20): Promise<{ items: Product[] }> => call((c) => c.GET('/products', { params: { query: { q: opt(text), limit } } })),
  availability: (pool: string, skus: string[], locations = false): Promise<{ pool: string; items: AvailabilityItem[] }> =>
    call((c) => c.GET('/availability', { params: { query: { pool, sku: skus, locations: locations ? 'true' : undefined } } })),
  position: (location: string, sku: string): Promise<Position> =>
    call((c) => c.GET('/inventory/{location}/{sku}', { params: { path: { location, sku } } })),

  orders: (status?: string, limit = 50): Promise<Page<Order>> => loose(call((c) => c.GET('/orders', { params: { query: { status: opt(status), limit } } }))),
  order: (orderId: string): Promise<Order> => loose(call((c) => c.GET('/orders/{id}', { params: id(orderId) }))),
  orderHistory: (orderId: string): Promise<Page<TimelineItem>> =>
    loose(call((c) => c.GET('/orders/{id}/history', { params: { ...id(orderId), query: { limit: 200 } } }))),
  orderSourcing: (orderId: string): Promise<{ decisions: SourcingDecision[] }> => loose(call((c) => c.GET('/orders/{id}/sourcing', { params: id(orderId) }))),
  orderEvent: (orderId: string, type: string): Promise<Order> => loose(call((c) => c.POST('/orders/{id}/events', { params: id(orderId), body: { type } }))),
  cancelOrder: (orderId: string, reason: string): Promise<Order> => loose(call((c) => c.POST('/orders/{id}/cancel', { params: id(orderId), body: { reason } }))),
  entity: (kind: 'fulfilments' | 'returns' | 'transfers', entityId: string): Promise<Entity> =>
    call((c) =>
      kind === 'fulfilments' ? c.GET('/fulfilments/{id}', { params: id(entityId) })
      : kind === 'returns' ? c.GET('/returns/{id}', { params: id(entityId) })
      : c.GET('/transfers/{id}', { params: id(entityId) })),
  entityEvent: (kind: 'fulfilments' | 'returns' | 'transfers', entityId: string, event: Record<string, unknown>): Promise<Entity> =>
    call((c) =>
      kind === 'fulfilments' ? c.POST('/fulfilments/{id}/events', { params: id(entityId), body: event as Body<'/fulfilments/{id}/events', 'post'> })
      : kind === 'returns' ? c.POST('/returns/{id}/events', { params: id(entityId), body: event as Body<'/returns/{id}/events', 'post'> })
      : c.POST('/transfers/{id}/events', { params: id(entityId), body: event as Body<'/transfers/{id}/events', 'post'> })),

  alerts: (status?: string): Promise<{ items: Alert[] }> => loose(call((c) => c.GET('/alerts', { params: { query: { status: opt(status) as 'open' | 'acknowledged' | 'resolved' | undefined, limit: 200 } } }))),
  changeAlert: (alertId: string, action: 'acknowledge' | 'resolve'): Promise<Alert> =>
    loose(call((c) => (action === 'acknowledge' ? c.POST('/alerts/{id}/acknowledge', { params: id(alertId) }) : c.POST('/alerts/{id}/resolve', { params: id(alertId) })))),

  inbound: (): Promise<{ items: Inbound[] }> => loose(call((c) => c.GET('/inbound'))),
  supplyRules: (): Promise<{ items: SupplyRule[] }> => call((c) => c.GET('/supply-rules')),

  returns: (state?: string): Promise<{ items: Entity[] }> => call((c) => c.GET('/returns', { params: { query: { state: opt(state) } } })),

  workflows: (): Promise<{ items: WorkflowSummary[] }> => call((c) => c.GET('/workflows')),
  workflow: (entity: string, name: string): Promise<Workflow> => loose(call((c) => c.GET('/workflows/{entity}/{name}', { params: { path: { entity, name } } }))),
  putWorkflow: (entity: string, name: string, definition: unknown): Promise<{ version: number; status: string }> =>
    call((c) => c.PUT('/workflows/{entity}/{name}', { params: { path: { entity, name } }, body: definition as Body<'/workflows/{entity}/{name}', 'put'> })),
  activateWorkflow: (entity: string, name: string, version: number): Promise<WorkflowSummary> =>
    call((c) => c.POST('/workflows/{entity}/{name}/versions/{version}/activate', { params: { path: { entity, name, version } } })),

  profiles: (): Promise<{ active: { id: string; version: number } | null; items: ProfileSummary[] }> => loose(call((c) => c.GET('/sourcing-profiles'))),
  preview: (order: unknown): Promise<Preview> => loose(call((c) => c.POST('/sourcing/preview', { body: order as Body<'/sourcing/preview', 'post'> }))),

  metrics: (): Promise<string> => call((c) => c.GET('/metrics', { parseAs: 'text' })),
};
