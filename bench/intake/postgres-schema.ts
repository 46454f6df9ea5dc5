import pg from 'pg';

/**
 * The database peer's tables, as a storefront platform keeps them: one stock row per SKU (on hand and
 * reserved) and one row per order. Nothing but the conditional `UPDATE` stops an oversell: no CHECK
 * constraint backs it up, so the peer's tests prove the `UPDATE` itself.
 */
export const SCHEMA = `
CREATE TABLE IF NOT EXISTS stock (
  sku text PRIMARY KEY,
  on_hand bigint NOT NULL,
  reserved bigint NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS orders (
  id bigserial PRIMARY KEY,
  customer_id text NOT NULL,
  placed_at timestamptz NOT NULL DEFAULT now(),
  body jsonb NOT NULL
);`;

/** A SKU's stock row. */
export interface StockRow {
  sku: string;
  onHand: number;
}

/** Opens one connection, runs `use`, closes it. */
export async function withClient<T>(url: string, use: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}

/** Creates the tables and sets each SKU's stock (nothing reserved), replacing rows already there. */
export async function seedStock(url: string, rows: readonly StockRow[]): Promise<void> {
  await withClient(url, async (client) => {
    await client.query(SCHEMA);
    await client.query(
      `INSERT INTO stock (sku, on_hand) SELECT * FROM unnest($1::text[], $2::bigint[])
       ON CONFLICT (sku) DO UPDATE SET on_hand = excluded.on_hand, reserved = 0`,
      [rows.map((r) => r.sku), rows.map((r) => r.onHand)],
    );
  });
}

/** Units reserved over all SKUs and orders taken, read in one statement so that both come from one snapshot. */
export async function peerTotals(url: string): Promise<{ reserved: number; orders: number }> {
  return withClient(url, async (client) => {
    const { rows } = await client.query<{ reserved: string | null; orders: string }>('SELECT (SELECT sum(reserved) FROM stock) AS reserved, (SELECT count(*) FROM orders) AS orders');
    return { reserved: Number(rows[0]!.reserved ?? 0), orders: Number(rows[0]!.orders) };
  });
}
