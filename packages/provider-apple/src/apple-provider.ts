import path from 'node:path';
import { ProviderError, runHostCommand, type ProviderShell, type ShellCommand } from '@metalor/provider-core';

/** The Linux bundle a helper is asked to provision when none is named. */
export const DEFAULT_APPLE_LINUX_BUNDLE = 'ubuntu-24.04';

/** Options for {@link AppleLinuxProvider}. */
export interface AppleLinuxProviderOptions {
  /** Receives each helper command and its output. */
  log?: (line: string) => void;
}

/**
 * Runs provider scripts in a Linux VM on macOS through a helper program:
 * `helper ensure --vm-name V --bundle B` creates or resumes the VM, and
 * `helper shell --vm-name V --script SCRIPT` runs a script in it.
 */
export class AppleLinuxProvider implements ProviderShell {
  /** The absolute path of the helper program. */
  readonly helper: string;
  /** The VM the helper manages for this provider. */
  readonly vmName: string;
  private readonly log: ((line: string) => void) | undefined;

  /**
   * @throws {ProviderError} `ERR_METALOR_APPLE_HELPER_INVALID` for a relative helper path;
   * `ERR_METALOR_APPLE_VM_NAME_INVALID` for an empty or blank VM name.
   */
  constructor(helper: string, vmName: string, options: AppleLinuxProviderOptions = {}) {
    if (typeof helper !== 'string' || !path.isAbsolute(helper)) {
      throw new ProviderError(
        'ERR_METALOR_APPLE_HELPER_INVALID',
        `Apple Linux provider helper ${JSON.stringify(helper)} is not absolute: expected an absolute path to the helper program`,
      );
    }
    if (typeof vmName !== 'string' || vmName.trim() === '') {
      throw new ProviderError(
        'ERR_METALOR_APPLE_VM_NAME_INVALID',
        `invalid Apple Linux provider VM name ${JSON.stringify(vmName)}: expected a non-empty name`,
      );
    }
    this.helper = helper;
    this.vmName = vmName;
    this.log = options.log;
  }

  /**
   * Runs `helper ensure --vm-name V --bundle B` so the VM exists and runs.
   * @throws {ProviderError} `ERR_METALOR_APPLE_BUNDLE_INVALID` for an empty bundle name;
   * `ERR_METALOR_APPLE_HELPER_FAILED` (with the helper's failure as cause) when the helper fails.
   */
  async ensureAvailable(bundle: string = DEFAULT_APPLE_LINUX_BUNDLE): Promise<void> {
    if (typeof bundle !== 'string' || bundle.trim() === '') {
      throw new ProviderError(
        'ERR_METALOR_APPLE_BUNDLE_INVALID',
        `invalid Apple Linux provider bundle name ${JSON.stringify(bundle)}: expected a non-empty name such as "${DEFAULT_APPLE_LINUX_BUNDLE}"`,
      );
    }
    try {
      await runHostCommand(this.helper, ['ensure', '--vm-name', this.vmName, '--bundle', bundle], this.log ? { log: this.log } : {});
    } catch (cause) {
      throw new ProviderError(
        'ERR_METALOR_APPLE_HELPER_FAILED',
        `failed to use Apple Linux provider helper ${JSON.stringify(this.helper)}; ensure it can create or resume Linux VM ${JSON.stringify(this.vmName)}: ${(cause as Error).message}`,
        { cause },
      );
    }
  }

  /** `helper shell --vm-name V --script SCRIPT`. */
  spawnShell(script: string): ShellCommand {
    return { file: this.helper, args: ['shell', '--vm-name', this.vmName, '--script', script] };
  }
}
