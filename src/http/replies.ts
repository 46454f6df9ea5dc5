/**
 * The shapes of the API's replies, as the OpenAPI document describes them and the contract tests check
 * them. Each names the fields a client may rely on; views carry more (they are open objects), so a new
 * field is not a breaking change. Requests are validated by the schemas in schemas.ts, never these.
 */
import { z } from 'zod';

const Int = z.number().int();
const Time = z.string().meta({ format: 'date-time' });
const Line = z.looseObject({ sku: z.string(), qty: Int });

/** A list reply: `{items}`. */
export function itemsOf<S extends z.ZodType>(item: S) {
  return z.looseObject({ items: z.array(item) });
}

/** A page of a list: `{items, nextCursor?}`; pass `nextCursor` back as `cursor` for the next page. */
function pageOf<S extends z.ZodType, C extends z.ZodType>(item: S, cursor: C) {
  return z.looseObject({ items: z.array(item), nextCursor: cursor.optional() });
}

export const Location = z
  .looseObject({ id: z.string(), name: z.string(), type: z.string(), geo: z.looseObject({ lat: z.number(), lon: z.number() }), country: z.string(), status: z.string(), skus: Int })
  .meta({ id: 'Location' });

export const Product = z.looseObject({ sku: z.string(), name: z.string(), attributes: z.record(z.string(), z.unknown()) }).meta({ id: 'Product' });

export const Pool = z.looseObject({ id: z.string(), name: z.string() }).meta({ id: 'Pool' });

export const QuantityStatus = z.looseObject({ name: z.string(), countsTowardAvailability: z.boolean() }).meta({ id: 'QuantityStatus' });

/** A stock position (`GET /inventory/:location/:sku`): every reply showing a position is this view. */
export const Position = z
  .looseObject({
    location: z.string(),
    sku: z.string(),
    onHand: Int,
    available: Int,
    reserved: Int,
    shipped: Int,
    statuses: z.record(z.string(), Int),
    inbound: Int,
    asOf: z.record(z.string(), z.string()),
    receivedAt: Time.optional(),
  })
  .meta({ id: 'Position' });

/** A stock command's outcome: whether it applied (a stale count is ignored, with the reason) and the position after. */
export const StockUpdate = Position.extend({ applied: z.boolean(), ignored: z.string().optional(), reservedExceedsOnHandBy: Int.optional() }).meta({ id: 'StockUpdate' });

const FutureBucket = z.looseObject({ qty: Int, from: Time });

export const Availability = z
  .looseObject({
    pool: z.string(),
    items: z.array(
      z.looseObject({ sku: z.string(), ats: Int, inbound: Int, future: z.array(FutureBucket), locations: z.array(z.looseObject({ id: z.string(), ats: Int })).optional() }),
    ),
  })
  .meta({ id: 'Availability' });

export const DeliveryPromise = z
  .looseObject({ sku: z.string(), qty: Int, pool: z.string(), ats: Int, future: z.array(FutureBucket), earliest: Time.nullable(), rule: z.string().optional(), mode: z.string().optional() })
  .meta({ id: 'DeliveryPromise' });

const Fulfilment = z.looseObject({ id: z.string(), location: z.string(), lines: z.array(Line) });

export const Order = z
  .looseObject({
    id: z.string(),
    status: z.string(),
    state: z.string(),
    channel: z.string(),
    pool: z.string(),
    lines: z.array(Line),
    fulfilments: z.array(Fulfilment),
    workflow: z.string(),
    createdBy: z.string(),
    createdAt: Time,
    updatedAt: Time,
  })
  .meta({ id: 'Order' });

export const OrderPage = pageOf(Order, z.string()).meta({ id: 'OrderPage' });

export const OrderSourcing = z.looseObject({ order: z.string(), sourcing: z.unknown(), decisions: z.array(z.unknown()) }).meta({ id: 'OrderSourcing' });

export const SourcingPreview = z
  .looseObject({ outcome: z.enum(['planned', 'no_plan']), strategy: z.string().nullable(), shipments: z.array(z.unknown()).nullable(), cost: z.number().nullable(), explanation: z.unknown() })
  .meta({ id: 'SourcingPreview' });

/** A page of an entity's timeline, oldest first. */
export const History = z.looseObject({ kind: z.string(), id: z.string(), items: z.array(z.record(z.string(), z.unknown())), nextCursor: z.string().optional() }).meta({ id: 'History' });

/** A fulfilment, return or transfer: its context, state, status label and workflow version. */
export const Entity = z.looseObject({ id: z.string(), status: z.string(), state: z.string(), workflow: z.string() }).meta({ id: 'Entity' });

export const Hold = z
  .looseObject({ id: z.string(), status: z.string(), pool: z.string(), lines: z.array(Line), createdAt: Time, expiresAt: Time, createdBy: z.string() })
  .meta({ id: 'Hold' });

export const Alert = z.looseObject({ id: z.string(), status: z.enum(['open', 'acknowledged', 'resolved']) }).meta({ id: 'Alert' });

/** A job's progress: a bulk load's counts (`format`, `rowsRead`, `applied`, ...) or a sourcing backtest's (`kind: backtest`). */
export const Job = z.looseObject({ id: z.string(), kind: z.string(), status: z.string() }).meta({ id: 'Job' });

/** A backup's progress, then the journal sequence it covers, its size, duration and manifest. */
export const Backup = z.looseObject({ id: z.string(), status: z.enum(['running', 'done', 'failed']), to: z.string() }).meta({ id: 'Backup' });

/** A backtest's report (or, while it runs, its progress): both sides' totals and the orders whose plan changed. */
export const BacktestReport = z.looseObject({ backtest: Job, sides: z.looseObject({ live: AnyRecordOf(), draft: AnyRecordOf() }) }).meta({ id: 'BacktestReport' });

/** A page of a backtest's per-order rows; `next` is the offset to ask for next. */
export const BacktestOrders = z.looseObject({ items: z.array(z.record(z.string(), z.unknown())), next: Int.optional() }).meta({ id: 'BacktestOrders' });

function AnyRecordOf() {
  return z.record(z.string(), z.unknown());
}

/** The console's tiles per screen for one role. */
export const ConsoleLayout = z.looseObject({ role: z.string(), screens: z.record(z.string(), z.array(z.unknown())) }).meta({ id: 'ConsoleLayout' });

/** Who a key is and what its role may do. */
export const KeyInfo = z.looseObject({ keyId: z.string(), role: z.string(), permissions: z.array(z.string()) }).meta({ id: 'KeyInfo' });

/** A small bulk load's outcome: the counts and each rejected row's number and reason. */
export const LoadReport = z.looseObject({ rowsRead: Int, applied: Int, rejected: Int, rejectedRows: z.array(z.unknown()) }).meta({ id: 'LoadReport' });

export const Inbound = z
  .looseObject({ id: z.string(), location: z.string(), lines: z.array(Line), expectedAt: Time, kind: z.string(), state: z.unknown(), allotting: Int })
  .meta({ id: 'Inbound' });

/** A receipt or cancellation of an inbound: what it did, and the inbound after. */
export const InboundChange = z.looseObject({ inbound: Inbound }).meta({ id: 'InboundChange' });

export const SupplyRule = z.looseObject({ id: z.string(), skus: z.array(z.string()), mode: z.enum(['backorder', 'preorder']) }).meta({ id: 'SupplyRule' });

export const PurchaseLimit = z.looseObject({ id: z.string(), skus: z.array(z.string()) }).meta({ id: 'PurchaseLimit' });

export const ReturnPolicy = z.looseObject({ id: z.string(), windowDays: Int, updatedAt: Time }).meta({ id: 'ReturnPolicy' });

const VersionSummary = z.looseObject({ version: Int, status: z.string(), createdAt: Time });

export const WorkflowSummary = z
  .looseObject({ entity: z.string(), name: z.string(), active: Int.nullable(), versions: z.array(VersionSummary) })
  .meta({ id: 'WorkflowSummary' });

export const Workflow = z.looseObject({ entity: z.string(), name: z.string(), versions: z.array(VersionSummary) }).meta({ id: 'Workflow' });

export const WorkflowDraft = z.looseObject({ entity: z.string(), name: z.string(), version: Int, status: z.string() }).meta({ id: 'WorkflowDraft' });

export const SourcingProfileSummary = z.looseObject({ id: z.string(), active: Int.nullable(), versions: z.array(VersionSummary) }).meta({ id: 'SourcingProfileSummary' });

export const SourcingProfile = z.looseObject({ id: z.string(), versions: z.array(VersionSummary) }).meta({ id: 'SourcingProfile' });

export const SourcingProfileDraft = z.looseObject({ id: z.string(), version: Int, status: z.string(), createdAt: Time }).meta({ id: 'SourcingProfileDraft' });

export const Webhook = z.looseObject({ id: z.string(), url: z.string(), events: z.array(z.string()), enabled: z.boolean() }).meta({ id: 'Webhook' });

export const DeletedWebhook = z.looseObject({ id: z.string(), deleted: z.literal(true), droppedDeliveries: Int }).meta({ id: 'DeletedWebhook' });

export const DeadLetterPage = z.looseObject({ items: z.array(z.record(z.string(), z.unknown())) }).meta({ id: 'DeadLetterPage' });

export const AuditPage = pageOf(z.looseObject({ seq: Int, at: Time, by: z.string(), action: z.string() }), Int).meta({ id: 'AuditPage' });

/** A reply whose fields depend on the record (a deleted endpoint, a replayed dead letter). */
export const AnyRecord = z.record(z.string(), z.unknown());

export const Health = z.looseObject({ status: z.string() }).meta({ id: 'Health' });
