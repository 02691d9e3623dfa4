import { ProviderError } from './errors.js';

/**
 * Reads the path of a build cell request from an environment variable, as the Windows
 * worker and the macOS helper receive it.
 * @param who How messages name the receiver, e.g. `Windows worker`.
 * @throws {ProviderError} `ERR_METALOR_REQUEST_ENV_MISSING` when the variable is unset or empty.
 */
export function requestPathFromEnv(env: NodeJS.ProcessEnv, variable: string, who: string): string {
  const requestPath = env[variable];
  if (requestPath === undefined || requestPath === '') {
    throw new ProviderError(
      'ERR_METALOR_REQUEST_ENV_MISSING',
      `missing required ${who} request environment variable ${variable}: expected the path of a build cell request file`,
    );
  }
  return requestPath;
}
