// piscina task module of the `pool` suite: one PoolTask per run() call.
import { runPoolTask, type PoolReply, type PoolTask } from './pool-task.js';

export default function poolWorker(task: PoolTask): PoolReply {
  return runPoolTask(task);
}
