import type { BuildCellSpec } from '@metalor/cell-spec';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { CELL_RUNNER_ARGS_FILE } from '../exec/constants.js';
import { formatRunnerArgs } from '../exec/runner-args.js';
import type { BindMount } from '../exec/types.js';
import { stagedMounts } from './staged-paths.js';

/** Quote one argument for POSIX sh: inside single quotes nothing is special but `'`. */
export function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

/**
 * The runner arguments for a staged build cell: the workspace, imports (read-only) and
 * caches bound from scratch, parents first; limits; `--no-resolv-conf` when the network is off.
 */
export function cellRunnerArgs(spec: BuildCellSpec): string[] {
  const mounts: BindMount[] = stagedMounts(spec).map(({ hostPath, cellPath, readOnly }) => ({ source: hostPath, destination: cellPath, readOnly }));
  const extra: string[] = [];
  if (spec.network === 'disabled') extra.push('--no-resolv-conf');
  const { cpuTimeSeconds, memoryBytes, maxProcesses } = spec.limits ?? {};
  if (cpuTimeSeconds !== undefined && cpuTimeSeconds !== null) extra.push('--cpu-seconds', String(cpuTimeSeconds));
  if (memoryBytes !== undefined && memoryBytes !== null) extra.push('--memory-bytes', String(memoryBytes));
  if (maxProcesses !== undefined && maxProcesses !== null) extra.push('--max-processes', String(maxProcesses));
  return [
    ...extra,
    ...formatRunnerArgs({ root: spec.root, cwd: spec.command.cwd, mounts, env: spec.env, executable: spec.command.executable, argv: spec.command.argv }),
  ];
}

/**
 * Write the runner arguments next to the request as `set -- '…' …`, so the sh runner
 * reads validated values without parsing JSON.
 */
export async function writeCellRunnerArgs(spec: BuildCellSpec): Promise<string> {
  const file = path.join(spec.scratch, CELL_RUNNER_ARGS_FILE);
  await writeFile(file, `set -- ${cellRunnerArgs(spec).map(shellQuote).join(' ')}\n`, { mode: 0o644, flag: 'wx' });
  return file;
}
