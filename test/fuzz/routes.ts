import { ApiKeys } from '../../src/auth/index.js';
import { createApp, type AppDeps } from '../../src/http/index.js';
import type { Fuzzed } from './json-text.js';
import type { IdKind, World } from './world.js';

/** How the fuzzer drives one route: what its path parameters name, the bodies it accepts, its query. */
export interface RouteSpec {
  params?: Record<string, IdKind>;
  /** Bodies the route accepts, built from the world's current fixtures; none: the route reads no body. */
  bodies?: (w: World) => Fuzzed[];
  /** The route also takes its body as NDJSON (one array element per line). */
  ndjson?: boolean;
  /** Query parameters the route reads, each with a valid value. */
  query?: Record<string, (w: World) => string>;
  /** Stops what an accepted request leaves running: a hold's expiry would change the state later, unasked. */
  cleanup?: (w: World, body: any) => Promise<void>;
}

/**
 * Every route of the HTTP API as Hono registered it (`METHOD /path/:param`), read from the app itself:
 * `createApp` builds its routes from `src/http/routes/*.ts` without touching its dependencies, so a
 * stand-in for each is enough. Middleware (`ALL`) is left out.
 */
export function discoverRoutes(): string[] {
  const standIn: any = new Proxy(function standIn() {}, { get: (_t, k) => (k === 'then' ? undefined : standIn), apply: () => standIn });
  const deps = { fulcrum: standIn, console: { assets: standIn, layouts: standIn }, idempotency: standIn, metrics: standIn, bulk: standIn, webhooks: standIn, maxBodyBytes: 1, body: { timeoutMs: 1, receiving: standIn }, connections: { maxPerKey: 1, refused: standIn }, workflows: { catalog: standIn, rules: standIn }, sourcing: { profiles: standIn, pool: standIn } } as AppDeps;
  const app = createApp({ ...deps, keys: new ApiKeys([]) });
  return [...new Set(app.routes.filter((r) => r.method !== 'ALL').map((r) => `${r.method} ${r.path}`))];
}

const BERLIN = { lat: 52.52, lon: 13.405, country: 'DE' };
const last = (w: World, kind: IdKind) => w.known[kind][w.known[kind].length - 1] ?? 'none';

function orders(w: World): Fuzzed[] {
  const base = { ref: 'fz-1', channel: 'default', pool: 'default', customer: { id: 'c-fuzz', email: 'f@example.com' }, deliverTo: BERLIN, lines: [{ sku: 'A', qty: 1 }, { sku: 'B', qty: 1 }] };
  return [
    { ...base, deliveryType: 'home', split: { allowed: true, maxShipments: 2, splitLines: true }, attributes: { note: 'fuzz' } },
    { ...base, lines: [{ sku: 'A', qty: 1 }], holdId: last(w, 'hold') },
    { ...base, deliveryType: 'collect', collectAt: 'MUC' },
    { ...base, channel: 'web', pool: 'web', deliveryType: 'express', lines: [{ sku: 'LIM', qty: 1 }] },
  ];
}

const ids = (kind: IdKind) => (w: World) => last(w, kind);

/** The fuzzer's knowledge of each route; a route missing here fails the suite, so the fuzzer cannot fall behind. */
export const ROUTES: Record<string, RouteSpec> = {
  'GET /health': {},
  'GET /health/live': {},
  'GET /health/ready': {},
  'GET /metrics': {},
  'POST /ops/backups': {
    // Each accepted backup goes into a new directory of the world's backup root; the next waits for it (409 otherwise).
    bodies: (w) => [{ to: `${w.backupRoot}/b${++w.backups}` }],
    cleanup: async (w, body) => {
      for (let i = 0; i < 200 && body?.id && (await w.t.call('GET', `/ops/backups/${body.id}`)).body.status === 'running'; i++) await new Promise((r) => setTimeout(r, 20));
    },
  },
  'GET /ops/backups': {},
  'GET /ops/backups/:id': { params: { id: 'backup' } },
  'GET /': {},
  'GET /console': {},
  'GET /console/': {},
  'GET /console/plugins.json': {},
  'GET /console/:file': { params: { file: 'role' } },
  'GET /console/plugins/:file': { params: { file: 'role' } },
  'GET /ui/me': {},
  'GET /ui/layouts/:role': { params: { role: 'role' } },
  'PUT /ui/layouts/:role': {
    params: { role: 'role' },
    bodies: () => [
      { screens: { inventory: [{ id: 'stock', type: 'inventory.stock', width: 'full', config: { pool: 'default', skus: ['A', 'B'] } }], overview: [] } },
      { screens: {} },
    ],
  },
  'GET /products': { query: { q: () => 'a', limit: () => '5' } },
  'GET /returns': { query: { state: () => 'requested', limit: () => '10' } },
  'GET /openapi.json': {},
  'GET /docs': {},
  'GET /docs/:asset': {},
  'PUT /locations/:id': {
    params: { id: 'location' },
    bodies: () => [
      { name: 'Fuzz', type: 'warehouse', geo: { lat: 52.5, lon: 13.4 }, country: 'DE', capabilities: ['fragile-packing'], capacity: { maxOpenOrders: 1000, dailyOrders: 1000 }, carrierCutoff: '17:00', timezone: 'Europe/Berlin', tags: ['north'], status: 'active' },
    ],
  },
  'GET /locations': {},
  'GET /locations/:id': { params: { id: 'location' } },
  'PUT /products/:sku': {
    params: { sku: 'sku' },
    bodies: () => [{ name: 'Fuzz', attributes: { weightKg: 1, bulky: false, fragile: false, hazmat: false, restricted: ['alcohol'], category: 'c', price: 10, colour: 'red' } }],
  },
  'GET /products/:sku': { params: { sku: 'sku' } },
  'POST /inventory/batch': {
    ndjson: true,
    bodies: () => [
      [{ location: 'BER', sku: 'A', delta: 1, reason: 'fuzz' }, { location: 'MUC', sku: 'B', onHand: 100_000, status: 'sellable', asOf: '2020-01-01T00:00:00Z' }],
    ],
  },
  'PUT /inventory/:location/:sku': { params: { location: 'location', sku: 'sku' }, bodies: () => [{ onHand: 100_000, status: 'sellable', asOf: '2020-01-01T00:00:00Z' }, { onHand: 3, status: 'fz_held' }] },
  'POST /inventory/:location/:sku/adjust': { params: { location: 'location', sku: 'sku' }, bodies: () => [{ delta: 1, status: 'sellable', reason: 'fuzz' }, { delta: -1, reason: 'fuzz' }] },
  'POST /inventory/:location/:sku/move': { params: { location: 'location', sku: 'sku' }, bodies: () => [{ from: 'sellable', to: 'damaged', qty: 1, reason: 'fuzz' }] },
  'GET /inventory/:location/:sku': { params: { location: 'location', sku: 'sku' } },
  'GET /jobs': { query: { limit: () => '20' } },
  'GET /jobs/:id': { params: { id: 'job' } },
  'GET /availability': { query: { pool: () => 'default', sku: () => 'A', locations: () => 'true' } },
  'PUT /pools/:id': {
    params: { id: 'pool' },
    bodies: () => [
      { name: 'All', channel: 'web', locations: 'all', excludeLocations: [], excludeStatuses: ['fz_held'], buffer: { units: 0 }, locationBuffers: { BER: 0 }, skuBuffers: { A: 0 } },
      { name: 'North', locations: { tags: ['north'] }, buffer: { percent: 10 } },
    ],
  },
  'GET /pools': {},
  'GET /pools/:id': { params: { id: 'pool' } },
  'PUT /statuses/:name': { params: { name: 'status' }, bodies: () => [{ countsTowardAvailability: false, description: 'fuzz' }] },
  'GET /statuses': {},
  'POST /orders': { bodies: orders },
  'GET /orders': { query: { status: () => 'awaiting_payment', limit: () => '5', cursor: ids('order') } },
  'GET /orders/:id': { params: { id: 'order' } },
  'GET /orders/:id/sourcing': { params: { id: 'order' } },
  'POST /orders/:id/events': {
    params: { id: 'order' },
    bodies: (w) => [{ type: 'payment.authorized' }, { type: 'fraud.passed' }, { type: 'delivered' }, { type: 'gift_wrap.completed', fulfilmentId: last(w, 'fulfilment') }],
  },
  'POST /orders/:id/cancel': { params: { id: 'order' }, bodies: () => [{ reason: 'fuzz' }, {}, { lines: [{ sku: 'A', qty: 1 }], reason: 'fuzz' }] },
  'PATCH /orders/:id': { params: { id: 'order' }, bodies: () => [{ deliverTo: { lat: 48.14, lon: 11.58, country: 'DE' }, reason: 'fuzz' }, { deliveryType: 'express' }] },
  'GET /orders/:id/history': { params: { id: 'order' }, query: { limit: () => '5' } },
  'GET /fulfilments/:id/history': { params: { id: 'fulfilment' }, query: { limit: () => '5' } },
  'GET /returns/:id/history': { params: { id: 'return' }, query: { limit: () => '5' } },
  'GET /transfers/:id/history': { params: { id: 'transfer' }, query: { limit: () => '5' } },
  'GET /audit': { query: { type: () => 'pool', limit: () => '5', since: () => '2020-01-01T00:00:00Z' } },
  'POST /holds': {
    bodies: () => [{ pool: 'default', lines: [{ sku: 'A', qty: 1 }, { sku: 'B', qty: 2 }], ttlSeconds: 600, customer: 'c-fuzz' }],
    cleanup: async (w, body) => {
      if (typeof body?.id === 'string') await w.t.call('DELETE', `/holds/${body.id}`);
    },
  },
  'GET /holds/:id': { params: { id: 'hold' } },
  'DELETE /holds/:id': { params: { id: 'hold' } },
  'PUT /purchase-limits/:id': {
    params: { id: 'limit' },
    bodies: () => [{ skus: ['LIM'], perCustomer: 2, startsAt: '2020-01-01T00:00:00Z', endsAt: '2099-01-01T00:00:00Z', description: 'fuzz' }],
  },
  'GET /purchase-limits': {},
  'GET /purchase-limits/:id': { params: { id: 'limit' } },
  'PUT /return-policies/:id': {
    params: { id: 'returnPolicy' },
    bodies: () => [{ windowDays: 30, windowFrom: 'delivery', reasons: ['fuzz', 'damaged'], nonReturnable: { categories: ['food'] }, description: 'fuzz' }],
  },
  'GET /return-policies': {},
  'POST /inbound/batch': {
    ndjson: true,
    bodies: () => [
      [
        { inbound: 'FZ-PO-1', location: 'MUC', sku: 'B', qty: 60, expectedAt: '2099-06-01T00:00:00Z', kind: 'purchase_order', reference: 'fuzz' },
        { inbound: 'FZ-PO-1', location: 'MUC', sku: 'A', qty: 5, expectedAt: '2099-06-01T00:00:00Z', kind: 'purchase_order' },
      ],
    ],
  },
  'PUT /inbound/:id': { params: { id: 'inbound' }, bodies: () => [{ location: 'MUC', lines: [{ sku: 'B', qty: 60 }, { sku: 'A', qty: 5 }], expectedAt: '2099-06-01T00:00:00Z', kind: 'purchase_order', reference: 'fuzz' }] },
  'GET /inbound': { query: { sku: () => 'B', location: () => 'MUC' } },
  'GET /inbound/:id': { params: { id: 'inbound' } },
  'POST /inbound/:id/receipts': { params: { id: 'inbound' }, bodies: () => [{ receiptId: 'fz-receipt', lines: [{ sku: 'B', qty: 1 }], status: 'sellable' }, { receiptId: 'fz-over', lines: [{ sku: 'A', qty: 1 }], allowOver: true }] },
  'POST /inbound/:id/cancel': { params: { id: 'inbound' }, bodies: () => [{ reason: 'fuzz' }] },
  'PUT /supply-rules/:id': { params: { id: 'supplyRule' }, bodies: () => [{ skus: ['B'], mode: 'backorder', cap: 1_000_000, capPerInbound: 500, confidence: { asn: 100, purchase_order: 60 }, maxLeadDays: 36500, backorder: 'ship-complete', priority: [{ by: 'mode' }, { by: 'customer', attribute: 'tier', order: ['gold'] }], description: 'fuzz' }] },
  'GET /supply-rules': {},
  'GET /supply-rules/:id': { params: { id: 'supplyRule' } },
  'GET /availability/promise': { query: { sku: () => 'B', qty: () => '2', pool: () => 'default' } },
  'GET /return-policies/:id': { params: { id: 'returnPolicy' } },
  'GET /sourcing-profiles': {},
  'GET /sourcing-profiles/:id': { params: { id: 'profile' } },
  'PUT /sourcing-profiles/:id': { params: { id: 'profile' }, bodies: (w) => [w.profileDoc] },
  'POST /sourcing-profiles/:id/versions/:version/activate': { params: { id: 'profile', version: 'version' } },
  'GET /sourcing/backtests': {},
  'POST /sourcing/backtests': {
    bodies: (w) => [{ profile: w.profileDoc, from: '2020-01-01T00:00:00Z', to: '2099-01-01T00:00:00Z', filter: { channels: ['default'] } }],
    cleanup: async (w, body) => {
      if (typeof body?.id === 'string') await w.t.call('DELETE', `/sourcing/backtests/${body.id}`);
    },
  },
  'GET /sourcing/backtests/:id': { params: { id: 'job' } },
  'GET /sourcing/backtests/:id/orders': { params: { id: 'job' }, query: { offset: () => '0', limit: () => '10', changed: () => 'true' } },
  'DELETE /sourcing/backtests/:id': { params: { id: 'job' } },
  'POST /sourcing/backtests/:id/cancel': { params: { id: 'job' } },
  'POST /sourcing/preview': { bodies: (w) => [...orders(w), { ...(orders(w)[0] as object), profile: w.profileDoc }] },
  'GET /workflows': {},
  'GET /workflows/bricks': {},
  'GET /workflows/:entity/:name': { params: { entity: 'wfEntity', name: 'wfName' } },
  'PUT /workflows/:entity/:name': { params: { entity: 'wfEntity', name: 'wfName' }, bodies: (w) => w.workflowDocs.map((d) => d.definition) },
  'POST /workflows/:entity/:name/versions/:version/activate': { params: { entity: 'wfEntity', name: 'wfName', version: 'version' } },
  'GET /alerts': { query: { status: () => 'open', type: () => 'fraud-check-late', entity: ids('order'), limit: () => '10' } },
  'GET /alerts/:id': { params: { id: 'alert' } },
  'POST /alerts/:id/acknowledge': { params: { id: 'alert' } },
  'POST /alerts/:id/resolve': { params: { id: 'alert' } },
  'GET /fulfilments/:id': { params: { id: 'fulfilment' } },
  'POST /fulfilments/:id/events': { params: { id: 'fulfilment' }, bodies: () => [{ type: 'accepted' }, { type: 'picked' }, { type: 'rejected', reason: 'fuzz' }, { type: 'ready' }] },
  'GET /returns/:id': { params: { id: 'return' } },
  'POST /returns/:id/events': { params: { id: 'return' }, bodies: () => [{ type: 'received', location: 'BER' }, { type: 'inspected', outcome: 'restock' }, { type: 'refund.completed' }] },
  'GET /transfers/:id': { params: { id: 'transfer' } },
  'POST /transfers/:id/events': { params: { id: 'transfer' }, bodies: () => [{ type: 'shipped' }, { type: 'received' }] },
  'POST /returns': {
    bodies: (w) => [
      { orderId: w.known.order[w.known.order.length - 1] ?? 'none', lines: [{ sku: 'B', qty: 1 }], reason: 'fuzz' },
      { orderId: w.known.order[w.known.order.length - 1] ?? 'none', lines: [{ sku: 'B', qty: 1, reason: 'damaged' }], method: 'courier', dropOffLocation: 'BER' },
    ],
  },
  'POST /transfers': { bodies: () => [{ from: 'BER', to: 'MUC', lines: [{ sku: 'A', qty: 1 }], reason: 'fuzz' }] },
  'GET /webhooks/dead': { query: { endpoint: () => 'wh-1', after: () => 'x', limit: () => '10' } },
  'POST /webhooks/dead/:id/replay': { params: { id: 'dead' } },
  'DELETE /webhooks/dead/:id': { params: { id: 'dead' } },
  'PUT /webhooks/:id': {
    params: { id: 'webhook' },
    bodies: () => [{ url: 'http://127.0.0.1:9/fuzz', events: ['fuzz.never', 'order.*'], secret: 'fuzz-secret-0123456789', enabled: false }],
  },
  'GET /webhooks': {},
  'GET /webhooks/:id': { params: { id: 'webhook' } },
  'DELETE /webhooks/:id': { params: { id: 'webhook' } },
};
