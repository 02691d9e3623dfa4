// Re-entered inside the namespaces by tests of the crate-style Node inner API:
// parses the trailing runner args and calls runIsolatedContainerCommand / runBuildCell.
import { readBuildCellRequest } from '@metalor/cell-spec';
import { LinuxRuntimeError, parseRunnerArgs, runBuildCell, runIsolatedContainerCommand } from '../../src/index.js';

const request = parseRunnerArgs(process.argv.slice(2));
try {
  if (request.kind === 'container') await runIsolatedContainerCommand(request.command);
  else await runBuildCell(await readBuildCellRequest(request.requestPath));
} catch (error) {
  if (error instanceof LinuxRuntimeError) {
    process.stderr.write(`inner-entry: ${error.code} exitCode=${String(error.exitCode)} signal=${String(error.signal)}\n`);
    process.exit(3);
  }
  throw error;
}
