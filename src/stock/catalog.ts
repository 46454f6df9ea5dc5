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

  set(product: Product): void {
    this.products.set(product.sku, product);
  }

  get size(): number {
    return this.products.size;
  }
}
