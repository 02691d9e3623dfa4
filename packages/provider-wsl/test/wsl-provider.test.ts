import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ProviderSession } from '@metalor/provider-core';
import {
  DEFAULT_WSL_DISTRO,
  ProviderError,
  WslProvider,
  installedWslDistros,
  resolveWslDistro,
} from '@metalor/provider-wsl';
import { createWslDouble, useWslDouble, type WslDouble } from './support/wsl-double.js';
import { providerRejectionOf } from '@metalor/provider-core/testing';

let double: WslDouble;
beforeAll(async () => {
  double = await createWslDouble();
  useWslDouble(double);
});
afterAll(async () => {
  await double.dispose();
});
beforeEach(async () => {
  await double.setInstalled([]);
  const { writeFile } = await import('node:fs/promises');
  await writeFile(double.calls, '');
});

describe('installedWslDistros', () => {
  it('decodes the UTF-16LE list wsl.exe prints', async () => {
    await double.setInstalled(['Ubuntu-22.04', 'Debian']);
    expect(await installedWslDistros()).toEqual(['Ubuntu-22.04', 'Debian']);
    expect(await double.callLog()).toEqual(['--list --quiet']);
  });

  it('treats "no installed distributions" (a wsl.exe failure) as an empty list', async () => {
    expect(await installedWslDistros()).toEqual([]);
  });
});

describe('resolveWslDistro', () => {
  it('uses an explicit non-empty name without asking wsl.exe, and never auto-installs it', async () => {
    expect(await resolveWslDistro('  Debian ')).toEqual({ distro: 'Debian', autoInstall: false });
    expect(await double.callLog()).toEqual([]);
  });

  it('prefers the installed default, which may be auto-installed again', async () => {
    await double.setInstalled(['Debian', DEFAULT_WSL_DISTRO]);
    expect(await resolveWslDistro()).toEqual({ distro: 'Ubuntu-24.04', autoInstall: true });
  });

  it('falls back to the first installed distro when the default is absent', async () => {
    await double.setInstalled(['kali-linux', 'Debian']);
    expect(await resolveWslDistro('   ')).toEqual({ distro: 'kali-linux', autoInstall: false });
  });

  it('picks the default with auto-install when nothing is installed', async () => {
    expect(await resolveWslDistro('')).toEqual({ distro: DEFAULT_WSL_DISTRO, autoInstall: true });
  });
});

describe('WslProvider', () => {
  it.each(['', '   '])('refuses the distro name %j', (name) => {
    expect(() => new WslProvider(name)).toThrow(ProviderError);
    expect(() => new WslProvider(name)).toThrow(`invalid WSL distro name ${JSON.stringify(name)}: expected a non-empty name`);
    try {
      new WslProvider(name);
    } catch (error) {
      expect((error as ProviderError).code).toBe('ERR_METALOR_WSL_DISTRO_INVALID');
    }
  });

  it('spawns bash -lc as root in the distro', () => {
    expect(new WslProvider('Debian').spawnShell('echo hi')).toEqual({
      file: 'wsl.exe',
      args: ['--distribution', 'Debian', '--user', 'root', '--', 'bash', '-lc', 'echo hi'],
    });
  });

  it('refuses to install a missing distro unless allowed, and installs nothing', async () => {
    const error = await providerRejectionOf(new WslProvider('Debian').ensureAvailable(false));
    expect(error.code).toBe('ERR_METALOR_WSL_DISTRO_MISSING');
    expect(error.message).toContain('WSL distro "Debian" was not installed; install/configure WSL or enable auto-install');
    expect(await double.installed()).toEqual([]);
    expect(await double.callLog()).toEqual(['--list --quiet']);
  });

  it('installs a missing distro when allowed, then probes it with true', async () => {
    const lines: string[] = [];
    await new WslProvider('Debian', { log: (line) => lines.push(line) }).ensureAvailable(true);
    expect(await double.installed()).toEqual(['Debian']);
    expect(await double.callLog()).toEqual([
      '--list --quiet',
      '--install --distribution Debian --no-launch --web-download',
      '--distribution Debian --user root -- bash -lc true',
    ]);
    expect(lines).toContain('Installing: Debian');
  });

  it('only probes a distro that is already installed', async () => {
    await double.setInstalled(['Debian']);
    await new WslProvider('Debian').ensureAvailable(true);
    expect(await double.callLog()).toEqual(['--list --quiet', '--distribution Debian --user root -- bash -lc true']);
  });

  it('reports a failed install with what wsl.exe said', async () => {
    const error = await providerRejectionOf(new WslProvider('NoSuchLinux').ensureAvailable(true));
    expect(error.code).toBe('ERR_METALOR_WSL_INSTALL_FAILED');
    expect(error.message).toContain(`Invalid distribution name: 'NoSuchLinux'.`);
    expect((error.cause as ProviderError).exitCode).toBe(255);
  });

  it('runs scripts through wsl.exe in a real bash, as root', async () => {
    await double.setInstalled(['Debian']);
    const session = new ProviderSession(new WslProvider('Debian'));
    const { stdout } = await session.run('printf "%s %s" "$BASH_VERSION" "$(id -u)"');
    expect(stdout).toMatch(/^\d+\.\d+\S* 0$/);
  });

  it('fails in an unknown distro the way wsl.exe does', async () => {
    const session = new ProviderSession(new WslProvider('Missing-Distro'));
    const error = await providerRejectionOf(session.run('echo never'));
    expect(error.code).toBe('ERR_METALOR_PROVIDER_SHELL_FAILED');
    expect(error.exitCode).toBe(255);
    expect(error.message).toContain('There is no distribution with the supplied name.');
    expect(error.message).toContain('Wsl/Service/WSL_E_DISTRO_NOT_FOUND');
  });
});
