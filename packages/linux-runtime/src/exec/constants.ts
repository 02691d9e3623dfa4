import { fileURLToPath } from 'node:url';

/** Name of the root sentinel file: it holds the canonical runtime root prefix. */
export const ROOT_SENTINEL_FILE = '.metalor-root';

/** File next to a build-cell request holding the runner arguments (a `set -- …` line for sh). */
export const CELL_RUNNER_ARGS_FILE = 'build-cell-runner-args.sh';

/** Exit status of the inner runner when it refuses (hardening) or cannot set up the cell. */
export const RUNNER_REFUSAL_STATUS = 125;

/**
 * Host path of the shipped inner runner (POSIX sh, bin `metalor-linux-runner`).
 * The same relative location works from `src/exec/` and from `dist/exec/`.
 */
export const LINUX_RUNNER_PATH: string = fileURLToPath(new URL('../../runner/metalor-linux-runner', import.meta.url));

/**
 * The `entry` argv that re-enters the shipped sh runner, for
 * {@link buildUnshareReexecCommand} and {@link buildCellReexecCommand}.
 * Starting it needs no Node: the inner side is a shell script.
 */
export function linuxRunnerEntry(): string[] {
  return ['/bin/sh', LINUX_RUNNER_PATH];
}
