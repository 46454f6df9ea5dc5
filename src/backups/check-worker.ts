/** The worker thread of `checkCopyOffThread`: checks a backup's files and posts the outcome. */
import { parentPort, workerData } from 'node:worker_threads';
import { checkCopy, type CheckMessage, type CheckRequest } from './check-copy.js';

const post = (m: CheckMessage) => parentPort!.postMessage(m);
checkCopy(workerData as CheckRequest, (bytes) => post({ t: 'hashed', bytes })).then(
  (result) => post({ t: 'done', result }),
  (e: unknown) => post({ t: 'failed', message: (e as Error).message }),
);
