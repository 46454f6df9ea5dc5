import { spawnSync } from 'node:child_process';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { orderBody, seedHttp, startTestServer } from '../helpers/server.js';

test('/metrics passes promtool check metrics: counters as counters, seconds, histograms, the process and Node metrics', async () => {
  const s = await startTestServer();
  try {
    await seedHttp(s, { locations: { BER: [52.5, 13.4] }, skus: ['A'], stock: [['BER', 'A', 10]] });
    assert.is((await s.call('POST', '/orders', orderBody('A', 1))).status, 201);
    const text = (await s.call('GET', '/metrics')).body as string;
    // Debian's `prometheus` package (installed by .ci/run) brings promtool.
    const lint = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
    assert.is(lint.error, undefined, 'promtool is installed (apt-get install prometheus)');
    assert.is(lint.status, 0, `promtool check metrics: ${lint.stdout}${lint.stderr}`);
    assert.match(text, /^# TYPE fulcrum_orders_placed_total counter$/m);
    assert.match(text, /^fulcrum_orders_placed_total 1$/m);
    assert.match(text, /^# TYPE fulcrum_http_request_duration_seconds histogram$/m);
    assert.match(text, /^fulcrum_http_request_duration_seconds_count\{method="POST",route="\/orders",status="201"\} 1$/m);
    // The request counter, kept per series and handed over at scrape time: each series counted, the same
    // label order as the histogram's, and a second scrape does not count twice.
    assert.is((await s.call('POST', '/orders', orderBody('A', 1))).status, 201);
    assert.is((await s.call('GET', '/orders/nope')).status, 404);
    const again = (await s.call('GET', '/metrics')).body as string;
    const third = (await s.call('GET', '/metrics')).body as string;
    for (const t of [again, third]) {
      assert.match(t, /^fulcrum_http_requests_total\{method="POST",route="\/orders",status="201"\} 2$/m);
      assert.match(t, /^fulcrum_http_request_duration_seconds_count\{method="POST",route="\/orders",status="201"\} 2$/m);
      assert.match(t, /^fulcrum_http_requests_total\{method="GET",route="\/orders\/:id",status="404"\} 1$/m);
    }
    assert.match(third, /^fulcrum_http_requests_total\{method="GET",route="\/metrics",status="200"\} 2$/m);
    assert.match(text, /^fulcrum_journal_flush_seconds_count [1-9]/m, 'journal flushes are a histogram');
    assert.match(text, /^fulcrum_sourcing_solve_seconds_count [1-9]/m, 'sourcing time is a histogram');
    assert.match(text, /^fulcrum_snapshot_last_pass_seconds /m);
    assert.match(text, /^# TYPE fulcrum_feed_frames_sent_total counter$/m, "the feed's counts are merged in");
    for (const name of ['process_cpu_user_seconds_total', 'process_resident_memory_bytes', 'nodejs_heap_size_used_bytes', 'nodejs_eventloop_lag_p99_seconds']) {
      assert.match(text, new RegExp(`^${name} `, 'm'), `${name} (default process and Node metrics)`);
    }
    assert.match(text, /^# TYPE nodejs_gc_duration_seconds histogram$/m);
    // The store's size, for an operator watching the disk: the file, the pages in use, each database.
    const gauge = (t: string, name: string) => Number(new RegExp(`^${name.replace(/[{}]/g, '\\$&')} (\\S+)$`, 'm').exec(t)?.[1]);
    assert.ok(gauge(text, 'fulcrum_store_file_bytes') >= 4096 * 4, 'the file holds the meta pages and a tree at least');
    assert.ok(gauge(text, 'fulcrum_store_used_bytes') >= 4096 * 4);
    assert.ok(gauge(text, 'fulcrum_store_records{db="timeline"}') >= 1, "the order's timeline entry");
    assert.ok(gauge(text, 'fulcrum_store_records{db="actors"}') >= 1, 'the location, at least');
    assert.ok(gauge(text, 'fulcrum_store_bytes{db="timeline"}') >= 4096, 'a page at least');
    assert.not.match(text, /fulcrum_store_records\{db="(root|path)"\}/);
    assert.not.match(text, /_ms[ {]/, 'no abbreviated units');
  } finally {
    await s.stop();
  }
});

test.run();
