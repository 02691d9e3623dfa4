import os from 'node:os';
import type { RunResult } from '../run/options.js';
import type { CliIo } from './main.js';

/** Exit status after a `--timeout` killed the cell (as timeout(1) reports it). */
export const EXIT_TIMEOUT = 124;
/** Exit status when metalor itself fails before or around the command (as container runners do). */
export const EXIT_RUNTIME_FAILURE = 125;

/** Says why a cell was killed, on stderr, and gives the exit status the CLI ends with. */
export function reportRunEnd(outcome: RunResult<unknown>, timeoutMs: number | undefined, io: CliIo): number {
  if (outcome.reason === 'timeout') {
    io.stderr.write(`metalor: the cell ran longer than ${(timeoutMs ?? 0) / 1000}s and was killed\n`);
    return EXIT_TIMEOUT;
  }
  if (outcome.reason === 'aborted') {
    io.stderr.write('metalor: interrupted; the cell was killed\n');
    return 130;
  }
  return exitStatusOf(outcome.exitCode, outcome.signal);
}

/** The exit status for a command that exited with `exitCode` or died by `signal`, as shells report it. */
export function exitStatusOf(exitCode: number | null | undefined, signal: string | null | undefined): number {
  if (typeof exitCode === 'number') return exitCode;
  const number = typeof signal === 'string' ? (os.constants.signals as Record<string, number | undefined>)[signal] : undefined;
  return number === undefined ? EXIT_RUNTIME_FAILURE : 128 + number;
}
