import path from 'node:path';
import {
  buildCellRequestPath,
  readBuildCellRequest,
  writeBuildCellRequest,
  type BackendCaps,
  type BuildCellSpec,
} from '@metalor/cell-spec';
import { ProviderError, validateDottedIdentifier, requestPathFromEnv, type ShellCommand } from '@metalor/provider-core';

/** The variable through which the broker hands the request file path to the Windows worker. */
export const WORKER_REQUEST_ENV = 'METALOR_WINDOWS_BUILD_CELL_REQUEST';

/** The Windows worker program the broker starts: an absolute executable and an optional subcommand. */
export class WorkerTarget {
  readonly executable: string;
  readonly subcommand: string | undefined;

  /**
   * @throws {ProviderError} `ERR_METALOR_WORKER_TARGET_INVALID` for a relative executable or an empty subcommand.
   */
  constructor(executable: string, subcommand?: string) {
    this.executable = executable;
    this.subcommand = subcommand;
    validateWorkerTarget(this);
  }
}

/**
 * Checks a worker target: the executable is an absolute host path, the subcommand (when given) non-empty.
 * @throws {ProviderError} `ERR_METALOR_WORKER_TARGET_INVALID` naming the offending value.
 */
export function validateWorkerTarget(target: { executable: string; subcommand?: string | undefined }): void {
  if (typeof target.executable !== 'string' || !path.isAbsolute(target.executable)) {
    throw new ProviderError(
      'ERR_METALOR_WORKER_TARGET_INVALID',
      `Windows worker executable ${JSON.stringify(target.executable)} is not absolute: expected an absolute host path`,
    );
  }
  if (target.subcommand !== undefined && (typeof target.subcommand !== 'string' || target.subcommand === '')) {
    throw new ProviderError(
      'ERR_METALOR_WORKER_TARGET_INVALID',
      `Windows worker subcommand ${JSON.stringify(target.subcommand)} is empty: expected a non-empty subcommand or none`,
    );
  }
}

/**
 * Writes the spec as `<scratch>/build-cell-request.json` (atomically) and resolves to that path.
 * @throws {CellSpecError} from `writeBuildCellRequest` for a malformed spec or a failed write.
 */
export async function prepareWorkerRequest(scratch: string, spec: BuildCellSpec): Promise<string> {
  const requestPath = buildCellRequestPath(scratch);
  await writeBuildCellRequest(requestPath, spec);
  return requestPath;
}

/**
 * The broker's command for a worker: the executable, its subcommand, and
 * `METALOR_WINDOWS_BUILD_CELL_REQUEST=<requestPath>` in `env` (variables to add).
 * @throws {ProviderError} `ERR_METALOR_WORKER_TARGET_INVALID` when the target is invalid.
 */
export function buildWorkerBrokerCommand(target: WorkerTarget, requestPath: string): ShellCommand {
  validateWorkerTarget(target);
  return {
    file: target.executable,
    args: target.subcommand === undefined ? [] : [target.subcommand],
    env: { [WORKER_REQUEST_ENV]: requestPath },
  };
}

/** An AppContainer profile name for an application id: every character outside `[A-Za-z0-9._-]` becomes `-`. */
export function appcontainerProfileName(applicationId: string): string {
  return applicationId.replace(/[^A-Za-z0-9._-]/gu, '-');
}

/**
 * Checks an application id: dot-separated, non-empty components of ASCII letters, digits, `-` and `_`.
 * @throws {ProviderError} `ERR_METALOR_APPLICATION_ID_INVALID` naming the id.
 */
export function validateApplicationId(applicationId: string): void {
  validateDottedIdentifier(applicationId, 'application identifier', 'ERR_METALOR_APPLICATION_ID_INVALID');
}

/**
 * Reads and validates a build cell request file.
 * @throws {CellSpecError} from `readBuildCellRequest` when it cannot be read or is invalid.
 */
export async function loadRequest(requestPath: string): Promise<BuildCellSpec> {
  return readBuildCellRequest(requestPath);
}

/**
 * Loads the request whose path is in `METALOR_WINDOWS_BUILD_CELL_REQUEST`.
 * @throws {ProviderError} `ERR_METALOR_REQUEST_ENV_MISSING` when the variable is unset or empty;
 * else as {@link loadRequest}.
 */
export async function loadRequestFromEnv(env: NodeJS.ProcessEnv = process.env): Promise<BuildCellSpec> {
  return loadRequest(requestPathFromEnv(env, WORKER_REQUEST_ENV, 'Windows worker'));
}

/** What the Windows backend can do: only toggle the network per job. */
export function backendCaps(): BackendCaps {
  return {
    ociRootfs: false,
    liveBindMounts: false,
    foreignArchExec: false,
    perJobNetworkToggle: true,
    profileSelectedNetwork: false,
  };
}
