import type { ResourceLimits } from './types.js';

/** True when no limit is set (every field absent). Never throws. */
export function isUnbounded(limits: ResourceLimits): boolean {
  return limits.cpuTimeSeconds === undefined && limits.memoryBytes === undefined && limits.maxProcesses === undefined;
}
