import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ProviderSession } from '@metalor/provider-core';
import { AppleLinuxProvider, DEFAULT_APPLE_LINUX_BUNDLE, ProviderError } from '@metalor/provider-apple';
import { createHelperDouble, type HelperDouble } from './support/helper-double.js';
import { providerErrorOf, providerRejectionOf } from '@metalor/provider-core/testing';

let double: HelperDouble;
beforeEach(async () => {
  double = await createHelperDouble();
});
afterEach(async () => {
  await double.dispose();
});

describe('AppleLinuxProvider', () => {
  it.each(['metalor-vm-helper', './bin/helper', ''])('refuses the relative helper path %j', (helper) => {
    const error = providerErrorOf(() => new AppleLinuxProvider(helper, 'vm'));
    expect(error.code).toBe('ERR_METALOR_APPLE_HELPER_INVALID');
    expect(error.message).toBe(
      `Apple Linux provider helper ${JSON.stringify(helper)} is not absolute: expected an absolute path to the helper program`,
    );
  });

  it.each(['', '  '])('refuses the VM name %j', (vmName) => {
    const error = providerErrorOf(() => new AppleLinuxProvider('/opt/helper', vmName));
    expect(error.code).toBe('ERR_METALOR_APPLE_VM_NAME_INVALID');
    expect(error.message).toContain(`VM name ${JSON.stringify(vmName)}: expected a non-empty name`);
  });

  it('spawns scripts through the helper shell subcommand', () => {
    const provider = new AppleLinuxProvider('/opt/helper', 'builder');
    expect(provider.helper).toBe('/opt/helper');
    expect(provider.vmName).toBe('builder');
    expect(provider.spawnShell('echo hi')).toEqual({
      file: '/opt/helper',
      args: ['shell', '--vm-name', 'builder', '--script', 'echo hi'],
    });
  });

  it('ensures the VM with the default bundle and logs what the helper said', async () => {
    const lines: string[] = [];
    const provider = new AppleLinuxProvider(double.helper, 'builder', { log: (line) => lines.push(line) });
    await provider.ensureAvailable();
    expect(await double.calls()).toEqual([`ensure --vm-name builder --bundle ${DEFAULT_APPLE_LINUX_BUNDLE}`]);
    expect(await double.vms()).toEqual(['builder ubuntu-24.04']);
    expect(lines).toContain('created VM builder from ubuntu-24.04');
    await provider.ensureAvailable('ubuntu-24.04');
    expect(lines).toContain('resumed VM builder');
  });

  it.each(['', ' '])('refuses the bundle name %j without calling the helper', async (bundle) => {
    const error = await providerRejectionOf(new AppleLinuxProvider(double.helper, 'builder').ensureAvailable(bundle));
    expect(error.code).toBe('ERR_METALOR_APPLE_BUNDLE_INVALID');
    expect(await double.calls()).toEqual([]);
  });

  it('reports a helper that cannot provide the VM, with its status and output', async () => {
    const error = await providerRejectionOf(new AppleLinuxProvider(double.helper, 'builder').ensureAvailable('fedora-40'));
    expect(error.code).toBe('ERR_METALOR_APPLE_HELPER_FAILED');
    expect(error.message).toContain('ensure it can create or resume Linux VM "builder"');
    expect(error.message).toContain("unknown Linux bundle 'fedora-40'");
    expect((error.cause as ProviderError).exitCode).toBe(2);
  });

  it('reports a missing helper program', async () => {
    const error = await providerRejectionOf(new AppleLinuxProvider('/nonexistent/metalor-helper', 'vm').ensureAvailable());
    expect(error.code).toBe('ERR_METALOR_APPLE_HELPER_FAILED');
    expect((error.cause as ProviderError).code).toBe('ERR_METALOR_PROVIDER_SPAWN_FAILED');
  });

  it('runs scripts in a real shell inside an ensured VM, and fails for a VM never ensured', async () => {
    const provider = new AppleLinuxProvider(double.helper, 'builder');
    await provider.ensureAvailable();
    expect((await new ProviderSession(provider).run('echo "$((6 * 7))"')).stdout).toBe('42\n');
    const error = await providerRejectionOf(new ProviderSession(new AppleLinuxProvider(double.helper, 'other')).run('true'));
    expect(error.code).toBe('ERR_METALOR_PROVIDER_SHELL_FAILED');
    expect(error.exitCode).toBe(3);
    expect(error.message).toContain("VM 'other' does not exist; run ensure first");
  });
});
