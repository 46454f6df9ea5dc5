import type { ProductAttributes, SourcingNetwork, SourcingRequest } from './types.js';

/** The attribute keys a product carries, in the profile's vocabulary (`fragile`, `restricted:alcohol`...). */
export function attributeKeysOf(product: ProductAttributes): string[] {
  const keys: string[] = [];
  if (product.fragile === true) keys.push('fragile');
  if (product.bulky === true) keys.push('bulky');
  if (product.hazmat === true) keys.push('hazmat');
  for (const tag of product.restricted ?? []) keys.push(`restricted:${tag}`);
  return keys;
}

/** Every attribute key present on at least one line of the order. */
export function orderAttributeKeys(request: SourcingRequest, network: SourcingNetwork): Set<string> {
  const keys = new Set<string>();
  for (const line of request.lines) {
    const product = network.product(line.sku);
    if (product !== undefined) for (const key of attributeKeysOf(product)) keys.add(key);
  }
  return keys;
}
