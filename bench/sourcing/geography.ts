/**
 * German cities used to place locations and customers (approximate centre, population in thousands).
 * Public figures rounded; they only shape where demand and stores cluster.
 */
export const CITIES: readonly { name: string; lat: number; lon: number; population: number }[] = [
  { name: 'Berlin', lat: 52.52, lon: 13.405, population: 3600 },
  { name: 'Hamburg', lat: 53.551, lon: 9.994, population: 1850 },
  { name: 'Munich', lat: 48.137, lon: 11.575, population: 1500 },
  { name: 'Cologne', lat: 50.938, lon: 6.96, population: 1080 },
  { name: 'Frankfurt', lat: 50.11, lon: 8.682, population: 760 },
  { name: 'Stuttgart', lat: 48.776, lon: 9.183, population: 630 },
  { name: 'Duesseldorf', lat: 51.227, lon: 6.773, population: 620 },
  { name: 'Leipzig', lat: 51.34, lon: 12.375, population: 600 },
  { name: 'Dortmund', lat: 51.514, lon: 7.468, population: 590 },
  { name: 'Essen', lat: 51.456, lon: 7.012, population: 580 },
  { name: 'Bremen', lat: 53.079, lon: 8.802, population: 570 },
  { name: 'Dresden', lat: 51.05, lon: 13.738, population: 560 },
  { name: 'Hanover', lat: 52.376, lon: 9.732, population: 540 },
  { name: 'Nuremberg', lat: 49.452, lon: 11.077, population: 520 },
  { name: 'Bielefeld', lat: 52.03, lon: 8.53, population: 330 },
  { name: 'Bonn', lat: 50.737, lon: 7.098, population: 330 },
  { name: 'Muenster', lat: 51.96, lon: 7.626, population: 320 },
  { name: 'Karlsruhe', lat: 49.007, lon: 8.404, population: 310 },
  { name: 'Mannheim', lat: 49.487, lon: 8.466, population: 310 },
  { name: 'Augsburg', lat: 48.37, lon: 10.898, population: 300 },
  { name: 'Kiel', lat: 54.323, lon: 10.123, population: 250 },
  { name: 'Magdeburg', lat: 52.12, lon: 11.627, population: 240 },
  { name: 'Freiburg', lat: 47.999, lon: 7.842, population: 230 },
  { name: 'Rostock', lat: 54.092, lon: 12.099, population: 210 },
  { name: 'Erfurt', lat: 50.978, lon: 11.029, population: 210 },
  { name: 'Saarbruecken', lat: 49.24, lon: 6.997, population: 180 },
  { name: 'Regensburg', lat: 49.013, lon: 12.102, population: 150 },
];

/** Germany's bounding box: generated points are clamped into it. */
export const BOUNDS = { minLat: 47.27, maxLat: 55.06, minLon: 5.87, maxLon: 15.04 } as const;

/** Cities just across the border, for the few international orders. */
export const FOREIGN: readonly { country: string; lat: number; lon: number }[] = [
  { country: 'AT', lat: 48.208, lon: 16.373 },
  { country: 'NL', lat: 52.37, lon: 4.895 },
  { country: 'PL', lat: 52.406, lon: 16.925 },
  { country: 'FR', lat: 48.573, lon: 7.752 },
];
