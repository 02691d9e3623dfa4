import { constants } from 'node:os';
import { LinuxRuntimeError, type LinuxRuntimeErrorCode } from '../errors.js';
import { RUNNER_REFUSAL_STATUS } from './constants.js';

/** How the cell's command ended, decoded from the runner's (or unshare's) exit status. */
export interface CellExit {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
}

const signalNames = new Map<number, NodeJS.Signals>(
  Object.entries(constants.signals).map(([name, number]) => [number, name as NodeJS.Signals]),
);

/**
 * Decode an exit: the runner exits 128+N when the command died by signal N (the shell
 * convention: a command that itself exits 128+N reads the same).
 */
export function decodeCellExit(exitCode: number | null | undefined, signal: string | null | undefined): CellExit {
  if (signal) return { exitCode: null, signal: signal as NodeJS.Signals };
  if (typeof exitCode === 'number' && exitCode > 128 && signalNames.has(exitCode - 128)) {
    return { exitCode: null, signal: signalNames.get(exitCode - 128) ?? null };
  }
  return { exitCode: exitCode ?? null, signal: null };
}

/**
 * The runner's refusal as an error, when it refused: status 125 and an
 * `ERR_METALOR_…: message` line on its error channel (fd 3) or stderr.
 */
export function runnerRefusal(exitCode: number | null | undefined, channel: string): LinuxRuntimeError | null {
  if (exitCode !== RUNNER_REFUSAL_STATUS) return null;
  const match = /(ERR_METALOR_[A-Z0-9_]+): ([^\n]*)/.exec(channel);
  if (!match) return null;
  return new LinuxRuntimeError(match[1] as LinuxRuntimeErrorCode, match[2] ?? '', { exitCode });
}
