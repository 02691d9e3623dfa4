import {
  buildCellRequestPath,
  readBuildCellRequest,
  writeBuildCellRequest,
  type BackendCaps,
  type BuildCellSpec,
} from '@metalor/cell-spec';
import { ProviderError, validateDottedIdentifier, requestPathFromEnv } from '@metalor/provider-core';

/** The variable through which the client hands the request file path to the macOS helper. */
export const HELPER_REQUEST_ENV = 'METALOR_MACOS_BUILD_CELL_REQUEST';

/**
 * The XPC service that runs build cells inside an app bundle: the app's bundle identifier and a
 * service name under it (`<bundle id>.<name>`).
 */
export class HelperTarget {
  readonly bundleIdentifier: string;
  readonly serviceName: string;

  /**
   * @throws {ProviderError} `ERR_METALOR_BUNDLE_IDENTIFIER_INVALID`, `ERR_METALOR_SERVICE_NAME_INVALID`,
   * or `ERR_METALOR_HELPER_TARGET_INVALID` when the service is not under the bundle identifier.
   */
  constructor(bundleIdentifier: string, serviceName: string) {
    this.bundleIdentifier = bundleIdentifier;
    this.serviceName = serviceName;
    validateHelperTarget(this);
  }

  /** `<service>.xpc`. */
  xpcBundleName(): string {
    return `${this.serviceName}.xpc`;
  }

  /** `Contents/XPCServices/<service>.xpc`, relative to the app bundle. */
  bundleRelativePath(): string {
    return `Contents/XPCServices/${this.xpcBundleName()}`;
  }

  /** `Contents/XPCServices/<service>.xpc/Contents/MacOS/<executable>`, relative to the app bundle. */
  executableRelativePath(): string {
    return `${this.bundleRelativePath()}/Contents/MacOS/${this.executableName()}`;
  }

  /** The last dot-separated component of the service name. */
  executableName(): string {
    return this.serviceName.slice(this.serviceName.lastIndexOf('.') + 1);
  }
}

/**
 * Checks a bundle identifier: dot-separated, non-empty components of ASCII letters, digits, `-`, `_`.
 * @throws {ProviderError} `ERR_METALOR_BUNDLE_IDENTIFIER_INVALID` naming the value.
 */
export function validateBundleIdentifier(identifier: string): void {
  validateDottedIdentifier(identifier, 'bundle identifier', 'ERR_METALOR_BUNDLE_IDENTIFIER_INVALID');
}

/**
 * Checks an XPC service name, with the bundle identifier's rules.
 * @throws {ProviderError} `ERR_METALOR_SERVICE_NAME_INVALID` naming the value.
 */
export function validateServiceName(serviceName: string): void {
  validateDottedIdentifier(serviceName, 'service name', 'ERR_METALOR_SERVICE_NAME_INVALID');
}

/**
 * Checks both names and that the service name starts with `<bundle id>.`.
 * @throws {ProviderError} as the two validators do, or `ERR_METALOR_HELPER_TARGET_INVALID`.
 */
export function validateHelperTarget(target: { bundleIdentifier: string; serviceName: string }): void {
  validateBundleIdentifier(target.bundleIdentifier);
  validateServiceName(target.serviceName);
  if (!target.serviceName.startsWith(`${target.bundleIdentifier}.`)) {
    throw new ProviderError(
      'ERR_METALOR_HELPER_TARGET_INVALID',
      `service name ${JSON.stringify(target.serviceName)} must start with bundle identifier ${JSON.stringify(`${target.bundleIdentifier}.`)}`,
    );
  }
}

/**
 * Writes the spec as `<scratch>/build-cell-request.json` (atomically) and resolves to that path.
 * @throws {CellSpecError} from `writeBuildCellRequest` for a malformed spec or a failed write.
 */
export async function prepareHelperRequest(scratch: string, spec: BuildCellSpec): Promise<string> {
  const requestPath = buildCellRequestPath(scratch);
  await writeBuildCellRequest(requestPath, spec);
  return requestPath;
}

/** The environment to give the helper: `[[HELPER_REQUEST_ENV, requestPath]]`. */
export function helperEnvironment(requestPath: string): [string, string][] {
  return [[HELPER_REQUEST_ENV, requestPath]];
}

/**
 * Reads and validates a build cell request file.
 * @throws {CellSpecError} from `readBuildCellRequest` when it cannot be read or is invalid.
 */
export async function loadRequest(requestPath: string): Promise<BuildCellSpec> {
  return readBuildCellRequest(requestPath);
}

/**
 * Loads the request whose path is in `METALOR_MACOS_BUILD_CELL_REQUEST`.
 * @throws {ProviderError} `ERR_METALOR_REQUEST_ENV_MISSING` when the variable is unset or empty;
 * else as {@link loadRequest}.
 */
export async function loadRequestFromEnv(env: NodeJS.ProcessEnv = process.env): Promise<BuildCellSpec> {
  return loadRequest(requestPathFromEnv(env, HELPER_REQUEST_ENV, 'macOS helper'));
}

/** What the macOS backend can do: only pick the network through the helper's signing profile. */
export function backendCaps(): BackendCaps {
  return {
    ociRootfs: false,
    liveBindMounts: false,
    foreignArchExec: false,
    perJobNetworkToggle: false,
    profileSelectedNetwork: true,
  };
}
