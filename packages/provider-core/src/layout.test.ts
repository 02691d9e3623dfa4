import { describe, expect, it } from 'vitest';
import { PROVIDER_RUNTIME_LAYOUT_VERSION, ProviderError, ProviderRuntimeLayout } from './index.js';
import { providerErrorOf } from './testing/index.js';

describe('ProviderRuntimeLayout', () => {
  it('builds paths and metadata under a trimmed root', () => {
    const layout = new ProviderRuntimeLayout('/var/tmp/metalor-provider/v1/example/');
    expect(layout.root).toBe('/var/tmp/metalor-provider/v1/example');
    expect(layout.jobsRoot()).toBe('/var/tmp/metalor-provider/v1/example/jobs');
    expect(layout.metadataPath()).toBe('/var/tmp/metalor-provider/v1/example/provider-metadata.env');
    expect(layout.join('repo-source/metalor')).toBe('/var/tmp/metalor-provider/v1/example/repo-source/metalor');
    expect(layout.stampPath('bootstrap', 'v1')).toBe('/var/tmp/metalor-provider/v1/example/bootstrap-v1.stamp');
    expect(layout.metadata('wsl2', 'Ubuntu-24.04', 'v1')).toEqual({
      kind: 'wsl2',
      identity: 'Ubuntu-24.04',
      runtimeRoot: '/var/tmp/metalor-provider/v1/example',
      runtimeLayoutVersion: PROVIDER_RUNTIME_LAYOUT_VERSION,
      bootstrapVersion: 'v1',
      bootstrapStamp: '/var/tmp/metalor-provider/v1/example/bootstrap-v1.stamp',
    });
  });

  it('keeps / as the root and joins without doubling slashes', () => {
    const layout = new ProviderRuntimeLayout('/');
    expect(layout.root).toBe('/');
    expect(layout.jobsRoot()).toBe('/jobs');
    expect(layout.metadataPath()).toBe('/provider-metadata.env');
  });

  it.each([
    ['', 'a non-empty absolute Linux path'],
    ['relative/root', 'an absolute Linux path'],
    ['C:\\metalor', 'an absolute Linux path'],
    ['/var\\tmp', "'/' separators"],
    ['/var/./tmp', "no '.' or '..' components"],
    ['/var/../etc', "no '.' or '..' components"],
  ])('refuses root %j', (root, expected) => {
    const error = providerErrorOf(() => new ProviderRuntimeLayout(root));
    expect(error.code).toBe('ERR_METALOR_PROVIDER_ROOT_INVALID');
    expect(error.message).toBe(`invalid provider runtime root ${JSON.stringify(root)}: expected ${expected}`);
  });

  it.each(['', '/abs', 'a//b', 'a/./b', '../escape', 'a/..', 'a\\b'])('refuses relative path %j', (relative) => {
    const error = providerErrorOf(() => new ProviderRuntimeLayout('/r').join(relative));
    expect(error.code).toBe('ERR_METALOR_PROVIDER_PATH_INVALID');
    expect(error.message).toContain(JSON.stringify(relative));
  });

  it('refuses stamp labels and versions outside [A-Za-z0-9._-]', () => {
    const layout = new ProviderRuntimeLayout('/r');
    expect(providerErrorOf(() => layout.stampPath('boot strap', 'v1')).message).toBe(
      `invalid provider stamp label "boot strap": expected one or more ASCII letters, digits, '-', '_' or '.'`,
    );
    expect(providerErrorOf(() => layout.stampPath('bootstrap', '')).code).toBe('ERR_METALOR_PROVIDER_STAMP_INVALID');
    expect(providerErrorOf(() => layout.stampPath('bootstrap', 'v1/../x')).code).toBe('ERR_METALOR_PROVIDER_STAMP_INVALID');
    expect(providerErrorOf(() => layout.metadata('wsl2', ' ', 'v1')).code).toBe('ERR_METALOR_PROVIDER_METADATA_INVALID');
  });
});
