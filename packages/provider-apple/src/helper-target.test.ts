import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BuildCellSpec } from '@metalor/cell-spec';
import {
  HELPER_REQUEST_ENV,
  HelperTarget,
  ProviderError,
  backendCaps,
  helperEnvironment,
  loadRequest,
  loadRequestFromEnv,
  prepareHelperRequest,
  validateBundleIdentifier,
  validateHelperTarget,
  validateServiceName,
} from './index.js';
import { providerErrorOf } from '@metalor/provider-core/testing';

describe('HelperTarget', () => {
  it('derives the XPC bundle paths from the service name', () => {
    const target = new HelperTarget('com.example.Builder', 'com.example.Builder.MetalorWorker');
    expect(target.xpcBundleName()).toBe('com.example.Builder.MetalorWorker.xpc');
    expect(target.bundleRelativePath()).toBe('Contents/XPCServices/com.example.Builder.MetalorWorker.xpc');
    expect(target.executableRelativePath()).toBe(
      'Contents/XPCServices/com.example.Builder.MetalorWorker.xpc/Contents/MacOS/MetalorWorker',
    );
    expect(target.executableName()).toBe('MetalorWorker');
  });

  it('refuses a service that is not under the bundle identifier', () => {
    const error = providerErrorOf(() => new HelperTarget('com.example.Builder', 'com.example.Other.Worker'));
    expect(error.code).toBe('ERR_METALOR_HELPER_TARGET_INVALID');
    expect(error.message).toBe('service name "com.example.Other.Worker" must start with bundle identifier "com.example.Builder."');
    // A shared prefix that is not a whole component is not enough.
    expect(providerErrorOf(() => validateHelperTarget({ bundleIdentifier: 'com.example', serviceName: 'com.examples.Worker' })).code).toBe(
      'ERR_METALOR_HELPER_TARGET_INVALID',
    );
    expect(providerErrorOf(() => new HelperTarget('com.example', 'com.example')).code).toBe('ERR_METALOR_HELPER_TARGET_INVALID');
  });

  it.each([
    ['', 'a non-empty identifier'],
    ['com..example', 'dot-separated components, none of them empty'],
    ['.com.example', 'dot-separated components, none of them empty'],
    ['com.example.', 'dot-separated components, none of them empty'],
    ['com.exa mple', "only ASCII letters, digits, '-', '_' and '.'"],
    ['com.example/x', "only ASCII letters, digits, '-', '_' and '.'"],
  ])('refuses the bundle identifier %j', (identifier, expected) => {
    const error = providerErrorOf(() => validateBundleIdentifier(identifier));
    expect(error.code).toBe('ERR_METALOR_BUNDLE_IDENTIFIER_INVALID');
    expect(error.message).toBe(`invalid bundle identifier ${JSON.stringify(identifier)}: expected ${expected}`);
    expect(providerErrorOf(() => new HelperTarget(identifier, `${identifier}.Worker`)).code).toBe('ERR_METALOR_BUNDLE_IDENTIFIER_INVALID');
  });

  it.each([
    ['', 'a non-empty identifier'],
    ['com.example..Worker', 'dot-separated components, none of them empty'],
    ['com.example.Wörker', "only ASCII letters, digits, '-', '_' and '.'"],
    ['com.example.Work$er', "only ASCII letters, digits, '-', '_' and '.'"],
  ])('refuses the service name %j', (serviceName, expected) => {
    const error = providerErrorOf(() => validateServiceName(serviceName));
    expect(error.code).toBe('ERR_METALOR_SERVICE_NAME_INVALID');
    expect(error.message).toBe(`invalid service name ${JSON.stringify(serviceName)}: expected ${expected}`);
    expect(providerErrorOf(() => new HelperTarget('com.example', serviceName)).code).toBe('ERR_METALOR_SERVICE_NAME_INVALID');
  });
});

describe('helper requests', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'metalor-helper-request-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const spec = (root: string): BuildCellSpec => ({
    root: path.join(root, 'root'),
    scratch: path.join(root, 'scratch'),
    workspacePath: '/workspace',
    workspaceSeed: { kind: 'empty' },
    imports: [],
    caches: [],
    exports: [],
    command: { cwd: '/workspace', executable: 'make', argv: ['all'] },
    env: [['LANG', 'C.UTF-8']],
    network: 'enabled',
    limits: { cpuTimeSeconds: 60 },
    cleanup: 'preserveOnFailure',
  });

  it('writes the request into scratch and hands its path to the helper through the environment', async () => {
    const request = spec(dir);
    const requestPath = await prepareHelperRequest(request.scratch, request);
    expect(requestPath).toBe(path.join(request.scratch, 'build-cell-request.json'));
    expect(helperEnvironment(requestPath)).toEqual([['METALOR_MACOS_BUILD_CELL_REQUEST', requestPath]]);
    const env = Object.fromEntries(helperEnvironment(requestPath));
    expect(await loadRequestFromEnv(env)).toEqual(request);
    expect(await loadRequest(requestPath)).toEqual(request);
  });

  it.each([[{}], [{ [HELPER_REQUEST_ENV]: '' }]])('refuses a missing request variable (%j)', async (env) => {
    const error = await loadRequestFromEnv(env).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ProviderError);
    expect((error as ProviderError).code).toBe('ERR_METALOR_REQUEST_ENV_MISSING');
    expect((error as ProviderError).message).toBe(
      'missing required macOS helper request environment variable METALOR_MACOS_BUILD_CELL_REQUEST: expected the path of a build cell request file',
    );
  });

  it('reports the macOS backend capabilities: only a profile-selected network', () => {
    expect(backendCaps()).toEqual({
      ociRootfs: false,
      liveBindMounts: false,
      foreignArchExec: false,
      perJobNetworkToggle: false,
      profileSelectedNetwork: true,
    });
  });
});
