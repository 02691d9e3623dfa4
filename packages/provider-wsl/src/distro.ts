import { ProviderError, decodeConsoleOutput, runHostCommand } from '@metalor/provider-core';

/** The distribution used when none is named and it is installed (or nothing is). */
export const DEFAULT_WSL_DISTRO = 'Ubuntu-24.04';

/** The Windows program every WSL call goes through (found on PATH). */
export const WSL_EXE = 'wsl.exe';

/** Which distribution to use, and whether it may be installed when missing. */
export interface WslResolution {
  distro: string;
  autoInstall: boolean;
}

/** Options for the functions that call `wsl.exe`. */
export interface WslCallOptions {
  /** Receives each command and its output. */
  log?: (line: string) => void;
}

/**
 * Parses `wsl.exe --list --quiet` output: UTF-16LE (with or without BOM) or UTF-8, CRLF or LF.
 * Lines are trimmed; BOMs and blank lines are dropped.
 * @throws {ProviderError} `ERR_METALOR_CONSOLE_OUTPUT_INVALID` for bytes that are not valid text.
 */
export function parseWslListOutput(bytes: Uint8Array): string[] {
  return decodeConsoleOutput(bytes, { fatal: true })
    .split(/\r?\n|\r/)
    .map((line) => line.trim().replace(/^\uFEFF+/, '').trim())
    .filter((line) => line !== '');
}

/** What wsl.exe prints (and fails with) when no distribution is installed at all. */
const NO_DISTRIBUTIONS = /WSL_E_DEFAULT_DISTRO_NOT_FOUND|has no installed distributions/;

/**
 * Lists installed distributions with `wsl.exe --list --quiet`; none installed is `[]`.
 * @throws {ProviderError} `ERR_METALOR_HOST_COMMAND_FAILED` when wsl.exe fails otherwise,
 * `ERR_METALOR_PROVIDER_SPAWN_FAILED` when it is missing.
 */
export async function installedWslDistros(options: WslCallOptions = {}): Promise<string[]> {
  try {
    const { stdout } = await runHostCommand(WSL_EXE, ['--list', '--quiet'], options);
    return parseWslListOutput(stdout);
  } catch (error) {
    if (error instanceof ProviderError && error.code === 'ERR_METALOR_HOST_COMMAND_FAILED' && NO_DISTRIBUTIONS.test(error.message)) {
      return [];
    }
    throw error;
  }
}

/**
 * Picks the distribution: an explicit non-empty name wins (no auto-install); else the default when
 * installed (auto-install allowed); else the first installed (no auto-install); else the default
 * (auto-install allowed).
 * @throws {ProviderError} as {@link installedWslDistros} does, when it has to list.
 */
export async function resolveWslDistro(explicit?: string, options: WslCallOptions = {}): Promise<WslResolution> {
  const trimmed = explicit?.trim() ?? '';
  if (trimmed !== '') return { distro: trimmed, autoInstall: false };
  return selectWslDistro(await installedWslDistros(options));
}

function selectWslDistro(installed: readonly string[]): WslResolution {
  if (installed.includes(DEFAULT_WSL_DISTRO)) return { distro: DEFAULT_WSL_DISTRO, autoInstall: true };
  const first = installed[0];
  if (first !== undefined) return { distro: first, autoInstall: false };
  return { distro: DEFAULT_WSL_DISTRO, autoInstall: true };
}
