import { execa } from 'execa';
import { ProviderError } from './errors.js';
import { processFailure, succeeded } from './lib/process-failure.js';

/** What a successful host command printed: raw stdout bytes and its decoded text. */
export interface HostCommandResult {
  stdout: Uint8Array;
  stdoutText: string;
  stderrText: string;
}

/** Options for {@link runHostCommand}. */
export interface HostCommandOptions {
  /** Receives the command line and every line of its output. */
  log?: (line: string) => void;
  /** Variables added to the environment. */
  env?: Readonly<Record<string, string>>;
}

/**
 * Decodes console output that may be UTF-16LE (as `wsl.exe` writes it: a BOM, or NUL high
 * bytes) or UTF-8, dropping a leading BOM. Undecodable bytes become U+FFFD, unless `fatal`.
 * @throws {ProviderError} `ERR_METALOR_CONSOLE_OUTPUT_INVALID` with `fatal` when the bytes are
 * not valid in the detected encoding.
 */
export function decodeConsoleOutput(bytes: Uint8Array, options: { fatal?: boolean } = {}): string {
  const encoding = looksUtf16le(bytes) ? 'utf-16le' : 'utf-8';
  try {
    return new TextDecoder(encoding, { fatal: options.fatal ?? false }).decode(bytes).replace(/^\uFEFF/, '');
  } catch (cause) {
    throw new ProviderError(
      'ERR_METALOR_CONSOLE_OUTPUT_INVALID',
      `console output of ${bytes.length} bytes is not valid ${encoding === 'utf-8' ? 'UTF-8' : 'UTF-16LE'}: expected UTF-16LE or UTF-8 text`,
      { cause },
    );
  }
}

/** True when the bytes start with a UTF-16LE BOM or have a NUL at an odd offset. */
function looksUtf16le(bytes: Uint8Array): boolean {
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) return true;
  for (let index = 1; index < bytes.length; index += 2) if (bytes[index] === 0) return true;
  return false;
}

/**
 * Runs a program on the host (not in a provider), e.g. `wsl.exe --list --quiet` or a VM
 * helper, logging the command and its output.
 * @throws {ProviderError} `ERR_METALOR_PROVIDER_SPAWN_FAILED` when it cannot start;
 * `ERR_METALOR_HOST_COMMAND_FAILED` with status, stdout and stderr when it fails.
 */
export async function runHostCommand(
  file: string,
  args: readonly string[],
  options: HostCommandOptions = {},
): Promise<HostCommandResult> {
  const command = [file, ...args];
  options.log?.(`run host ${command.join(' ')}`);
  const result = await execa(file, [...args], {
    reject: false,
    encoding: 'buffer',
    stripFinalNewline: false,
    stdin: 'ignore',
    ...(options.env ? { env: { ...options.env } } : {}),
  });
  if (result.exitCode === undefined && !result.signal) {
    throw new ProviderError(
      'ERR_METALOR_PROVIDER_SPAWN_FAILED',
      `failed to spawn host command ${JSON.stringify(file)}: ${(result.cause as Error | undefined)?.message ?? result.message}`,
      { cause: result.cause, command },
    );
  }
  const stdout = result.stdout as Uint8Array;
  const stdoutText = decodeConsoleOutput(stdout);
  const stderrText = decodeConsoleOutput(result.stderr as Uint8Array);
  for (const text of [stdoutText, stderrText]) {
    if (text) for (const line of text.replace(/\r?\n$/, '').split(/\r?\n/)) options.log?.(line);
  }
  const outcome = { command, exitCode: result.exitCode, signal: result.signal, stdout: stdoutText, stderr: stderrText };
  if (!succeeded(outcome)) throw processFailure('ERR_METALOR_HOST_COMMAND_FAILED', `host command ${JSON.stringify(file)}`, outcome);
  return { stdout, stdoutText, stderrText };
}
