import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { changeAlert, listAlerts } from '../../src/alerts/index.js';
import { openFulcrum } from '../../src/fulcrum/index.js';
import { placeOrder } from '../../src/orders/index.js';
import { countStock } from '../../src/stock/index.js';
import { seed } from '../helpers/network.js';
import { tempDataDir } from '../helpers/tmp.js';

// Found by the long fuzz run: between the snapshot that passivates a resolved alert and the commit of that
// snapshot, the alert was in neither the registry nor the store, and vanished from the list for a moment.
test('a resolved alert stays listed while its snapshot is being written', async () => {
  const { dir, cleanup } = tempDataDir();
  const run = openFulcrum({ dataDir: dir, onFatal: (e) => { throw e; } });
  try {
    const { fulcrum } = run;
    await seed(fulcrum, { locations: { BER: [52.5, 13.4] }, skus: ['A'], stock: [['BER', 'A', 5]] });
    await placeOrder(fulcrum, { customer: { id: 'c' }, deliverTo: { lat: 52.5, lon: 13.4, country: 'DE' }, lines: [{ sku: 'A', qty: 4 }] }, 'k').durable;
    await countStock(fulcrum, 'BER', 'A', { onHand: 1 }).durable; // below the 4 reserved: an alert
    const [alert] = listAlerts(fulcrum, { limit: 10 });
    assert.is(alert?.alert, 'stock-below-reserved');
    await changeAlert(fulcrum, alert!.id, 'resolve', 'ops').durable;
    run.snapshotter.writeAll(); // passivates the resolved alert; its record is not committed yet
    assert.equal(listAlerts(fulcrum, { limit: 10 }).map((a) => [a.id, a.status]), [[alert!.id, 'resolved']], 'listed while passivating');
    await fulcrum.engine.store.root.flushed;
    assert.equal(listAlerts(fulcrum, { limit: 10 }).map((a) => [a.id, a.status]), [[alert!.id, 'resolved']], 'and from the store after');
  } finally {
    await run.close();
    cleanup();
  }
});

test.run();
