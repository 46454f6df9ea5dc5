import { definePlugin, distanceKm } from '../index.js';

/**
 * Illustrative factors, not measured ones: set your own from your carriers' emission reports.
 * 0.1 kg CO2e per tonne-km is the order of magnitude of road freight; 0.1 per kg CO2e is a carbon price
 * of 100 per tonne.
 */
const KG_CO2_PER_TONNE_KM = 0.1;
const PRICE_PER_KG_CO2 = 0.1;
const DEFAULT_WEIGHT_KG = 1;

/**
 * Example plugin: a carbon cost per unit shipped, proportional to distance and weight.
 * Reference it from a profile as `costs.plugins: {"carbon/co2": 1}`.
 */
export default definePlugin({
  name: 'carbon',
  sourcing: {
    costTerms: [
      {
        name: 'co2',
        cost(location, line, qty, request) {
          const tonnes = (qty * (line.product.weightKg ?? DEFAULT_WEIGHT_KG)) / 1000;
          return tonnes * distanceKm(location.geo, request.deliverTo) * KG_CO2_PER_TONNE_KM * PRICE_PER_KG_CO2;
        },
      },
    ],
  },
});
