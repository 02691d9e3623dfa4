import { describe, expect, it } from 'vitest';
import { requestPathFromEnv } from './index.js';
import { providerErrorOf } from './testing/index.js';

describe('requestPathFromEnv', () => {
  it('returns the path held by the variable', () => {
    expect(requestPathFromEnv({ METALOR_X: '/scratch/build-cell-request.json' }, 'METALOR_X', 'test worker')).toBe(
      '/scratch/build-cell-request.json',
    );
  });

  it.each([[{}], [{ METALOR_X: '' }]])('refuses a missing or empty variable (%j), naming it', (env) => {
    const error = providerErrorOf(() => requestPathFromEnv(env, 'METALOR_X', 'test worker'));
    expect(error.code).toBe('ERR_METALOR_REQUEST_ENV_MISSING');
    expect(error.message).toBe(
      'missing required test worker request environment variable METALOR_X: expected the path of a build cell request file',
    );
  });
});
