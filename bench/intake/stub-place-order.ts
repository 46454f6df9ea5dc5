/**
 * The stand-in for `placeOrderPooled` under `stub-engine.js`: no engine, an order view of the shape and size
 * the real one replies with (one fulfilment per order, at the first site), durable at once.
 */
interface Command {
  ref?: string;
  channel?: string;
  pool?: string;
  customer: { id: string };
  deliverTo: unknown;
  deliveryType?: string;
  lines: Array<{ sku: string; qty: number }>;
  split?: unknown;
  attributes?: Record<string, unknown>;
}

let seq = 0;

export async function placeOrderPooled(_ports: unknown, _solve: unknown, cmd: Command, createdBy: string): Promise<{ value: object; durable: Promise<void> }> {
  const id = `ord_${(++seq).toString(36).padStart(10, '0')}`;
  const at = new Date().toISOString();
  const value = {
    id,
    ...(cmd.ref !== undefined ? { ref: cmd.ref } : {}),
    status: 'reserved',
    channel: cmd.channel ?? 'default',
    pool: cmd.pool ?? 'default',
    customer: cmd.customer,
    deliverTo: cmd.deliverTo,
    deliveryType: cmd.deliveryType ?? 'home',
    lines: cmd.lines,
    split: cmd.split ?? { allowed: true, maxShipments: 3, splitLines: true },
    attributes: cmd.attributes ?? {},
    fulfilments: [{ id: `${id}-f1`, location: 'WH-BER', lines: cmd.lines.map((l) => ({ sku: l.sku, qty: l.qty })), status: 'reserved' }],
    createdAt: at,
    updatedAt: at,
    workflow: 'order/home-delivery@1',
    createdBy,
    value: 0,
    sourcing: { profile: 'default', version: 1, strategy: 'nearest' },
    state: 'reserved',
  };
  return { value, durable: Promise.resolve() };
}
