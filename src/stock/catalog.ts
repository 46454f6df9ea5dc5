/** Attributes that sourcing and workflows read; anything else a product carries is kept as given. */
export interface ProductAttributes {
  weightKg?: number;
  bulky?: boolean;
  fragile?: boolean;
  hazmat?: boolean;
  restricted?: string[];
  category?: string;
  price?: number;
  [k: string]: unknown;
}

/** A product as `PUT /products/:sku` defines it. */
export interface Product {
  sku: string;
  name: string;
  attributes: ProductAttributes;
}

/** The products Fulcrum knows, in memory; orders and stock updates may only name known SKUs. */
export class Catalog {
  private readonly products = new Map<string, Product>();

  get(sku: string): Product | undefined {
    return this.products.get(sku);
  }

  has(sku: string): boolean {
    return this.products.has(sku);
  }

  /**
   * Products whose SKU or name contains `text` (any case), in catalog order, at most `limit`: a scan that
   * stops at the limit, for people searching (the console), not for hot paths.
   */
  search(text: string, limit: number): Product[] {
    const needle = text.toLowerCase();
    const out: Product[] = [];
    for (const p of this.products.values()) {
      if (out.length >= limit) break;
      if (p.sku.toLowerCase().includes(needle) || p.name.toLowerCase().includes(needle)) out.push(p);
    }
    return out;
  }

  set(product: Product): void {
    this.products.set(product.sku, product);
  }

  get size(): number {
    return this.products.size;
  }
}
