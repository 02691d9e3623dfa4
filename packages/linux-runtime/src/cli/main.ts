import { readFileSync } from 'node:fs';
import { LinuxRuntimeError } from '../errors.js';
import { EXIT_RUNTIME_FAILURE } from './outcome.js';
import { CLI_USAGE_ERROR, parseCliArgs, usageOf, type CliCommand } from './parse-args.js';
import { formatHostReport, probeHost } from './probe-host.js';
import { runImageCommand } from './run-image.js';
import { runRequestCommand } from './run-request.js';

/** The streams and process facts the CLI uses; tests pass their own. */
export interface CliIo {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown; isTTY?: boolean | undefined };
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Aborted on SIGINT/SIGTERM: the running cell is killed and cleaned up. */
  signal?: AbortSignal | undefined;
}

/** Exit status for a bad command line. */
export const EXIT_USAGE = 2;

/**
 * Runs the `metalor` command line and resolves to the exit status: the command's own,
 * 128+N when it was killed by signal N, {@link EXIT_USAGE} for bad arguments (after the
 * usage text on stderr), 124 after `--timeout`, 130 when interrupted, 125
 * ({@link EXIT_RUNTIME_FAILURE}) when preparing or running fails.
 * Never rejects.
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  let command: CliCommand;
  try {
    command = parseCliArgs(argv, { cwd: io.cwd, env: io.env });
  } catch (error) {
    return reportFailure(error, io);
  }
  try {
    switch (command.kind) {
      case 'help':
        io.stdout.write(command.text);
        return 0;
      case 'version':
        io.stdout.write(`metalor ${packageVersion()} (@metalor/linux-runtime)\n`);
        return 0;
      case 'probe': {
        const report = await probeHost(io.env.PATH ?? '');
        io.stdout.write(command.json ? `${JSON.stringify(report, null, 2)}\n` : formatHostReport(report));
        return report.ok ? 0 : 1;
      }
      case 'run':
        return await runImageCommand(command, io);
      case 'cell':
        return await runRequestCommand(command, io);
    }
  } catch (error) {
    return reportFailure(error, io);
  }
}

/** The package's version; package.json sits two levels up from both src/cli and dist/cli. */
function packageVersion(): string {
  return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
}

function reportFailure(error: unknown, io: CliIo): number {
  if (error instanceof LinuxRuntimeError && error.code === CLI_USAGE_ERROR) {
    io.stderr.write(`metalor: ${error.message}\n\n${usageOf(error)}`);
    return EXIT_USAGE;
  }
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  io.stderr.write(`metalor: ${typeof code === 'string' ? `${code}: ` : ''}${message}\n`);
  return EXIT_RUNTIME_FAILURE;
}
