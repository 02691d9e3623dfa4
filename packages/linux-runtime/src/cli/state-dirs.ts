import os from 'node:os';
import path from 'node:path';
import { LinuxRuntimeError } from '../errors.js';

/** Where the CLI keeps its runtime roots and its OCI layout cache. */
export interface StateDirs {
  /** Runtime root prefix: every root, package root and scratch lives under it. */
  stateDir: string;
  /** OCI layouts kept per (reference, arch) and reused by later runs. */
  cacheDir: string;
}

/** What decides the defaults: flags, then environment, then who runs. */
export interface StateDirInputs {
  stateDir?: string;
  cacheDir?: string;
  env: NodeJS.ProcessEnv;
  uid: number;
  homedir: string;
  cwd: string;
}

/**
 * The CLI's state directories. Flags win over `METALOR_STATE_DIR` / `METALOR_CACHE_DIR`;
 * the default state directory is `/var/tmp/metalor` for root (survives reboots, not
 * backed up) and `$XDG_CACHE_HOME/metalor` (else `~/.cache/metalor`) for anyone else; the
 * cache defaults to `<state>/oci-cache`. Relative values are taken from `cwd`.
 *
 * @throws {LinuxRuntimeError} `ERR_METALOR_CLI_USAGE` when a given value is empty.
 */
export function resolveStateDirs(inputs: StateDirInputs): StateDirs {
  const pick = (flag: string | undefined, flagName: string, envName: string): string | undefined => {
    const value = flag ?? inputs.env[envName];
    if (value === '') {
      const source = flag === '' ? flagName : envName;
      throw new LinuxRuntimeError('ERR_METALOR_CLI_USAGE', `${source} is empty: expected a directory`);
    }
    return value === undefined ? undefined : path.resolve(inputs.cwd, value);
  };
  const stateDir = pick(inputs.stateDir, '--state-dir', 'METALOR_STATE_DIR') ?? defaultStateDir(inputs);
  const cacheDir = pick(inputs.cacheDir, '--cache-dir', 'METALOR_CACHE_DIR') ?? path.join(stateDir, 'oci-cache');
  return { stateDir, cacheDir };
}

function defaultStateDir(inputs: StateDirInputs): string {
  if (inputs.uid === 0) return '/var/tmp/metalor';
  const xdg = inputs.env.XDG_CACHE_HOME;
  const base = xdg !== undefined && path.isAbsolute(xdg) ? xdg : path.join(inputs.homedir, '.cache');
  return path.join(base, 'metalor');
}

/** The inputs of {@link resolveStateDirs} for this process. */
export function processStateDirInputs(flags: { stateDir?: string; cacheDir?: string }): StateDirInputs {
  return { ...flags, env: process.env, uid: process.getuid?.() ?? -1, homedir: os.homedir(), cwd: process.cwd() };
}
