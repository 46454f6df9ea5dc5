export { applyBatch, ClusterNode, type ClusterHooks, type ClusterNodeOptions, type ClusterRole, type ClusterView, type ServedNode } from './node.js';
export { type LeaderInfo } from './lease.js';
