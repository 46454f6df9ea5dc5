import type { SolveReply, SolveTask } from './messages.js';
import { optimize } from './optimize.js';

/**
 * Piscina worker entry: solves one problem. The problem carries only numbers (plugins were evaluated
 * when it was built), so the worker loads nothing but the optimizer.
 */
export default function solveTask(task: SolveTask): SolveReply {
  const { excluded: _excluded, ...reply } = optimize(task.problem, task.options);
  return reply;
}
