import type { Socket } from 'node:net';
import { execa, type ResultPromise } from 'execa';
import { ProviderError } from '../errors.js';
import type { ShellCommand } from '../shell.js';
import type { ProcessOutcome } from './process-failure.js';

/** The argv of a shell command, for messages and logs. */
export function commandArgv(command: ShellCommand): string[] {
  return [command.file, ...command.args];
}

/** A stdio end: a new pipe, nothing, or a socket of ours the child gets a copy of. */
type StdioMode = 'pipe' | 'ignore' | Socket;

/** Spawns a shell command with the given stdin/stdout wiring; stderr is always captured. */
export function spawnCommand(
  command: ShellCommand,
  stdio: { stdin: StdioMode; stdout: StdioMode; bufferStdout: boolean },
): ResultPromise<{ reject: false; encoding: 'utf8' }> {
  return execa(command.file, [...command.args], {
    reject: false,
    encoding: 'utf8',
    stripFinalNewline: false,
    extendEnv: true,
    ...(command.env ? { env: { ...command.env } } : {}),
    stdin: stdio.stdin,
    stdout: stdio.stdout,
    stderr: 'pipe',
    buffer: { stdout: stdio.bufferStdout, stderr: true },
  } as const) as unknown as ResultPromise<{ reject: false; encoding: 'utf8' }>;
}

/** Turns an execa result into an outcome, or throws when the process never started. */
export function outcomeOf(
  command: ShellCommand,
  result: {
    exitCode?: number | undefined;
    signal?: string | undefined;
    stdout?: unknown;
    stderr?: unknown;
    cause?: unknown;
    failed?: boolean;
  },
): ProcessOutcome {
  const argv = commandArgv(command);
  if (result.exitCode === undefined && !result.signal) {
    const cause = result.cause ?? result;
    throw new ProviderError(
      'ERR_METALOR_PROVIDER_SPAWN_FAILED',
      `failed to spawn provider shell ${JSON.stringify(command.file)}: ${(cause as Error).message ?? String(cause)}`,
      { cause, command: argv },
    );
  }
  return {
    command: argv,
    exitCode: result.exitCode,
    signal: result.signal,
    stdout: typeof result.stdout === 'string' ? result.stdout : undefined,
    stderr: typeof result.stderr === 'string' ? result.stderr : undefined,
  };
}
