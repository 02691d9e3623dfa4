import { LinuxRuntimeError } from '../errors.js';

/** A normalised Linux architecture name (the kernel's spelling, as `uname -m` prints it). */
export type LinuxArch = 'x86_64' | 'aarch64' | 'riscv64';

/** The OCI/Go spelling of an architecture, as image platforms and `skopeo --override-arch` use it. */
export type OciArch = 'amd64' | 'arm64' | 'riscv64';

const ALIASES: Readonly<Record<string, LinuxArch>> = {
  x86_64: 'x86_64',
  amd64: 'x86_64',
  aarch64: 'aarch64',
  arm64: 'aarch64',
  riscv64: 'riscv64',
};

const OCI_NAMES: Readonly<Record<LinuxArch, OciArch>> = { x86_64: 'amd64', aarch64: 'arm64', riscv64: 'riscv64' };

/**
 * Normalise an architecture name: `x86_64`/`amd64` give `x86_64`, `aarch64`/`arm64` give
 * `aarch64`, `riscv64` gives `riscv64`.
 *
 * @throws {LinuxRuntimeError} `ERR_METALOR_ARCH_UNSUPPORTED` for any other value, naming it.
 */
export function normalizeArchName(arch: string): LinuxArch {
  const normalized = typeof arch === 'string' && Object.hasOwn(ALIASES, arch) ? ALIASES[arch] : undefined;
  if (normalized === undefined) {
    throw new LinuxRuntimeError(
      'ERR_METALOR_ARCH_UNSUPPORTED',
      `unsupported architecture ${JSON.stringify(arch)}: expected one of x86_64, amd64, aarch64, arm64, riscv64`,
    );
  }
  return normalized;
}

/**
 * The OCI spelling (`amd64`, `arm64`, `riscv64`) of any accepted architecture name.
 *
 * @throws {LinuxRuntimeError} `ERR_METALOR_ARCH_UNSUPPORTED` as {@link normalizeArchName}.
 */
export function ociArchName(arch: string): OciArch {
  return OCI_NAMES[normalizeArchName(arch)];
}

const NODE_ARCHES: Readonly<Record<string, LinuxArch>> = { x64: 'x86_64', arm64: 'aarch64', riscv64: 'riscv64' };

/**
 * The architecture of the running host, normalised (`x86_64`, `aarch64` or `riscv64`).
 *
 * @throws {LinuxRuntimeError} `ERR_METALOR_ARCH_UNSUPPORTED` on any other host architecture.
 */
export function hostArch(): LinuxArch {
  const arch = NODE_ARCHES[process.arch];
  if (arch === undefined) {
    throw new LinuxRuntimeError(
      'ERR_METALOR_ARCH_UNSUPPORTED',
      `unsupported host architecture ${JSON.stringify(process.arch)}: expected x64, arm64 or riscv64`,
    );
  }
  return arch;
}

/** The name of the static user-mode emulator for a guest architecture, e.g. `qemu-aarch64-static`. */
export function qemuBinaryName(guestArch: string): string {
  return `qemu-${normalizeArchName(guestArch)}-static`;
}
