import { createRequire } from 'node:module';
import type { Highs } from 'highs';
import { solveFluidLp, type FluidLpAnswer, type FluidLpInput } from './fluid-lp.js';

// highs is a CommonJS package whose typings describe the ESM build's default export; loading it through
// require (as its README shows) keeps the types and the runtime in agreement.
const loadHighs = createRequire(import.meta.url)('highs') as () => Promise<Highs>;
let highs: Promise<Highs> | undefined;

/**
 * Piscina worker entry: solves the look-ahead LPs off the engine's thread. The solver (HiGHS compiled to
 * WebAssembly) is loaded once per thread and loaded again after a solve throws, which can leave it unusable.
 */
export default async function solveLookAhead(input: FluidLpInput): Promise<FluidLpAnswer> {
  highs ??= loadHighs();
  try {
    return solveFluidLp(await highs, input);
  } catch (error) {
    highs = undefined;
    throw error;
  }
}
