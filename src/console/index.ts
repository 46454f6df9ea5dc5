/** The operations console's server side: its static files and the tile layouts each role sees. */
export { ConsoleAssets, type ConsoleAsset } from './assets.js';
export { ConsoleLayouts, LayoutBody, SCREENS, Tile, type ConsoleLayout, type Screen } from './layouts.js';
