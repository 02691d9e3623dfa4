import { readBuildCellRequest } from '@metalor/cell-spec';
import { runCell } from '../run/run.js';
import type { CliIo } from './main.js';
import { reportRunEnd } from './outcome.js';
import type { CliCommand } from './parse-args.js';
import { processStateDirInputs, resolveStateDirs } from './state-dirs.js';

type CellCommand = Extract<CliCommand, { kind: 'cell' }>;

/**
 * `metalor cell REQUEST.json`: reads the request (the wire format shared with the Rust
 * crate), runs the cell with this terminal's stdio, then prints the result as one JSON
 * line on stdout and resolves to the command's exit status.
 */
export async function runRequestCommand(command: CellCommand, io: CliIo): Promise<number> {
  const spec = await readBuildCellRequest(command.requestPath);
  const { stateDir } = resolveStateDirs({ ...processStateDirInputs(command.common), env: io.env, cwd: io.cwd });
  const outcome = await runCell(spec, {
    runtimeRootPrefix: stateDir,
    ...(command.common.rootless ? { backend: 'rootlessUser' as const } : {}),
    ...(io.signal ? { signal: io.signal } : {}),
    ...(command.timeoutMs === undefined ? {} : { timeoutMs: command.timeoutMs }),
    stdio: 'inherit',
  });
  io.stdout.write(`${JSON.stringify({
    exitCode: outcome.exitCode,
    signal: outcome.signal,
    reason: outcome.reason,
    scratchPreserved: outcome.result.scratchPreserved,
  })}\n`);
  return reportRunEnd(outcome, command.timeoutMs, io);
}
