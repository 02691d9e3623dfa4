import { ProviderError, runHostCommand, type ProviderShell, type ShellCommand } from '@metalor/provider-core';
import { WSL_EXE, installedWslDistros, type WslCallOptions } from './distro.js';

/** Runs provider scripts as root in one WSL2 distribution: `wsl.exe --distribution D --user root -- bash -lc SCRIPT`. */
export class WslProvider implements ProviderShell {
  /** The distribution name, as `wsl.exe --list` prints it. */
  readonly distro: string;
  private readonly log: ((line: string) => void) | undefined;

  /**
   * @throws {ProviderError} `ERR_METALOR_WSL_DISTRO_INVALID` for an empty or blank name.
   */
  constructor(distro: string, options: WslCallOptions = {}) {
    if (typeof distro !== 'string' || distro.trim() === '') {
      throw new ProviderError(
        'ERR_METALOR_WSL_DISTRO_INVALID',
        `invalid WSL distro name ${JSON.stringify(distro)}: expected a non-empty name such as "Ubuntu-24.04"`,
      );
    }
    this.distro = distro;
    this.log = options.log;
  }

  /**
   * Makes sure the distribution can run commands: installs it when missing (only if `autoInstall`)
   * with `wsl.exe --install --distribution D --no-launch --web-download`, then runs `true` in it.
   * @throws {ProviderError} `ERR_METALOR_WSL_DISTRO_MISSING` when it is missing and may not be installed;
   * `ERR_METALOR_WSL_INSTALL_FAILED` or `ERR_METALOR_WSL_UNAVAILABLE` (with the wsl.exe failure as cause).
   */
  async ensureAvailable(autoInstall: boolean): Promise<void> {
    const options = this.log ? { log: this.log } : {};
    const installed = await installedWslDistros(options);
    if (!installed.includes(this.distro)) {
      if (!autoInstall) {
        throw new ProviderError(
          'ERR_METALOR_WSL_DISTRO_MISSING',
          `WSL distro ${JSON.stringify(this.distro)} was not installed; install/configure WSL or enable auto-install (installed: ${JSON.stringify(installed)})`,
        );
      }
      await this.step('ERR_METALOR_WSL_INSTALL_FAILED', `failed to install WSL distro ${JSON.stringify(this.distro)}`, () =>
        runHostCommand(WSL_EXE, ['--install', '--distribution', this.distro, '--no-launch', '--web-download'], options),
      );
    }
    await this.step('ERR_METALOR_WSL_UNAVAILABLE', `failed to use WSL distro ${JSON.stringify(this.distro)}`, () => {
      const probe = this.spawnShell('true');
      return runHostCommand(probe.file, probe.args, options);
    });
  }

  /** `wsl.exe --distribution D --user root -- bash -lc SCRIPT`. */
  spawnShell(script: string): ShellCommand {
    return { file: WSL_EXE, args: ['--distribution', this.distro, '--user', 'root', '--', 'bash', '-lc', script] };
  }

  private async step(code: `ERR_METALOR_${string}`, what: string, run: () => Promise<unknown>): Promise<void> {
    try {
      await run();
    } catch (cause) {
      throw new ProviderError(code, `${what}: ${(cause as Error).message}`, { cause });
    }
  }
}
