import wt = require('node:worker_threads');

/**
 * Every Piscina pool's worker file: a CommonJS module that loads the real one, an ES module named by the
 * pool's `workerData.module`, with `import()`. Piscina loads its worker file with `require()` first, and
 * Node 20 then loads an ES module synchronously; a worker terminated during that load (one replaced after a
 * timeout, then the pool closed) aborted the whole process with a V8 fatal error ("v8::Module::IsGraphAsync
 * must be used on an instantiated module", seen once in `test/sourcing/pool`). `import()` is the
 * asynchronous path, whose termination V8 handles.
 */
const target = (wt.workerData as { module: string }).module;
let loaded: Promise<(task: unknown) => unknown> | undefined;

function handler(task: unknown): Promise<unknown> {
  loaded ??= import(target).then((m: { default: (task: unknown) => unknown }) => m.default);
  return loaded.then((run) => run(task));
}

export = handler;
