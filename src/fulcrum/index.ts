import { Alerts } from '../alerts/index.js';
import { openEngine, type Engine, type OpenEngineOptions, type RunningEngine } from '../engine/index.js';
import { Holds } from '../holds/index.js';
import { Orders } from '../orders/index.js';
import { Returns } from '../returns/index.js';
import { Sourcing } from '../sourcing/index.js';
import { Stock } from '../stock/index.js';
import { followTransfers, Supply } from '../supply/index.js';
import { Timeline } from '../timeline/index.js';

/**
 * One Fulcrum: the engine and the domain modules registered with it. Each module's commands take the
 * narrow part of this they need (`StockPorts`, `OrderPorts`, ...), so any Fulcrum satisfies them all; the
 * HTTP layer, the feed and the tests pass it whole.
 */
export interface Fulcrum {
  readonly engine: Engine;
  readonly stock: Stock;
  readonly holds: Holds;
  readonly alerts: Alerts;
  readonly sourcing: Sourcing;
  readonly orders: Orders;
  /** What each order's returns claim of its shipped units. */
  readonly returns: Returns;
  /** Every order's, fulfilment's, return's and transfer's history. */
  readonly timeline: Timeline;
  /** Inbound supply, supply rules, promises and the orders waiting on them. */
  readonly supply: Supply;
}

/** Builds the modules around an engine; they register before recovery, in the order their state depends on. */
export function installModules(engine: Engine): Fulcrum {
  const stock = new Stock(engine);
  const holds = new Holds(engine);
  const alerts = new Alerts(engine);
  const sourcing = new Sourcing(engine);
  const orders = new Orders({ engine, stock, holds, sourcing });
  const returns = new Returns(engine, { engine, stock, holds, sourcing, orders });
  const timeline = new Timeline(engine);
  const supply = new Supply({ engine, stock, sourcing });
  orders.waiting = supply;
  followTransfers({ engine, stock, supply });
  return { engine, stock, holds, alerts, sourcing, orders, returns, timeline, supply };
}

export interface RunningFulcrum extends Omit<RunningEngine, 'engine'> {
  fulcrum: Fulcrum;
}

/** Opens the data dir with every module installed, recovers the last durable state, and starts snapshotting. */
export function openFulcrum(options: Omit<OpenEngineOptions, 'prepare'> & { prepare?: (fulcrum: Fulcrum) => void }): RunningFulcrum {
  let fulcrum: Fulcrum | undefined;
  const { engine: _engine, ...running } = openEngine({
    ...options,
    prepare: (engine) => {
      fulcrum = installModules(engine);
      options.prepare?.(fulcrum);
    },
  });
  return { ...running, fulcrum: fulcrum! };
}
