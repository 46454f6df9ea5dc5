/**
 * Module hooks for `stub-engine.js`: the orders routes' `../../orders/index.js` becomes a module that
 * re-exports the real one with `placeOrderPooled` replaced by `stub-place-order.js`'s (an explicit export
 * takes precedence over the same name from `export *`).
 */
const STUB = 'fulcrum-stub:orders';

interface ResolveContext {
  parentURL?: string;
}
type NextResolve = (specifier: string, context: ResolveContext) => Promise<{ url: string }>;
type NextLoad = (url: string, context: object) => Promise<{ format?: string; source?: unknown; shortCircuit?: boolean }>;

export async function resolve(specifier: string, context: ResolveContext, next: NextResolve): Promise<{ url: string; shortCircuit?: boolean }> {
  if (specifier === '../../orders/index.js' && context.parentURL?.endsWith('/src/http/routes/orders.js')) {
    const real = await next(specifier, context);
    return { url: `${STUB}?${encodeURIComponent(real.url)}`, shortCircuit: true };
  }
  return next(specifier, context);
}

export async function load(url: string, context: object, next: NextLoad): Promise<{ format?: string; source?: unknown; shortCircuit?: boolean }> {
  if (url.startsWith(`${STUB}?`)) {
    const real = decodeURIComponent(url.slice(STUB.length + 1));
    const stub = new URL('./stub-place-order.js', import.meta.url).href;
    return { format: 'module', source: `export * from ${JSON.stringify(real)};\nexport { placeOrderPooled } from ${JSON.stringify(stub)};\n`, shortCircuit: true };
  }
  return next(url, context);
}
