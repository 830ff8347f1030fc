// Bare worker of the `pool` suite: answers every PoolTask message with its reply by postMessage,
// the baseline piscina's run() round trip is compared with.
import { parentPort } from 'node:worker_threads';
import { runPoolTask, type PoolTask } from './pool-task.js';

parentPort!.on('message', (t: PoolTask) => parentPort!.postMessage(runPoolTask(t)));
