import type { Fulcrum } from '../../src/fulcrum/index.js';
import { OrderBody } from '../../src/http/schemas.js';
import { placeOrderPooled } from '../../src/orders/index.js';
import type { SourcingPool } from '../../src/sourcing/index.js';

/**
 * `count` orders, `connections` in flight, bodies handed out round robin; each as the order route handles
 * it (JSON.parse, the route's zod schema, `placeOrderPooled`, the wait for the flush, the reply's JSON).
 */
export async function placeInProcess(fulcrum: Fulcrum, solve: SourcingPool['solve'], bodies: readonly string[], count: number, connections: number): Promise<void> {
  let next = 0;
  const client = async () => {
    while (next < count) {
      const body = OrderBody.parse(JSON.parse(bodies[next++ % bodies.length]!));
      const placed = await placeOrderPooled(fulcrum, solve, body, 'bench');
      await placed.durable;
      JSON.stringify(placed.value);
    }
  };
  await Promise.all(Array.from({ length: connections }, client));
}
