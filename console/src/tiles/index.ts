/** The built-in tiles, registered at start. */
import { registerTile } from '../registry.js';
import { alertTiles } from './alerts.js';
import { inventoryTiles } from './inventory.js';
import { orderTiles } from './orders.js';
import { overviewTiles } from './overview.js';
import { returnTiles } from './returns.js';
import { sourcingTiles } from './sourcing.js';
import { supplyTiles } from './supply.js';
import { workflowTiles } from './workflows.js';

export function registerBuiltInTiles(): void {
  for (const tile of [...overviewTiles, ...inventoryTiles, ...orderTiles, ...alertTiles, ...supplyTiles, ...returnTiles, ...workflowTiles, ...sourcingTiles]) registerTile(tile);
}
