import { mkdir, realpath } from 'node:fs/promises';
import path from 'node:path';
import { ProviderError } from './errors.js';
import type { ProviderRuntimeLayout } from './layout.js';
import { processFailure, succeeded, type ProcessOutcome } from './lib/process-failure.js';
import { providerBasename, providerDirname, providerJoin, sanitizeJobLabel } from './lib/provider-path.js';
import { shellQuote } from './lib/shell-quote.js';
import { commandArgv, outcomeOf, spawnCommand } from './lib/spawn-shell.js';
import { pullTarFromShell, pushTarToShell } from './lib/tar-pipe.js';
import { providerMetadataPath, renderProviderMetadataEnv, type ProviderRuntimeMetadata } from './metadata.js';
import { resolveShellCommand, type ProviderShellLike, type ShellCommand } from './shell.js';

/** Options for {@link ProviderSession}. */
export interface ProviderSessionOptions {
  /** Receives every command the session runs and every line that command prints. */
  log?: (line: string) => void;
}

/** What a successful provider script printed. */
export interface ProviderRunResult {
  stdout: string;
  stderr: string;
}

/** A fresh per-job directory inside the provider. */
export interface RemoteJobRoot {
  root: string;
}

/** Whether {@link ProviderSession.ensureWarmState} found its stamp (`warm`) or ran the cold step. */
export type WarmState = 'warm' | 'cold';

/**
 * Runs scripts and moves files in and out of a Linux environment through a
 * {@link ProviderShell}. Every path placed in a script is shell-quoted; file trees travel
 * as tar streams made and read on the host by node-tar, and by `tar` in the provider.
 */
export class ProviderSession {
  /** The shell every command goes through. */
  readonly shell: ProviderShellLike;
  private readonly logSink: ((line: string) => void) | undefined;

  /**
   * @param shell A {@link ProviderShell} or a plain `(script) => ShellCommand` function.
   * @throws {ProviderError} `ERR_METALOR_PROVIDER_SHELL_INVALID` when `shell` is neither.
   */
  constructor(shell: ProviderShellLike, options: ProviderSessionOptions = {}) {
    const usable =
      typeof shell === 'function' ||
      (typeof shell === 'object' && shell !== null && typeof shell.spawnShell === 'function');
    if (!usable) {
      throw new ProviderError(
        'ERR_METALOR_PROVIDER_SHELL_INVALID',
        `invalid provider shell ${String(shell)}: expected an object with spawnShell(script) or a function`,
      );
    }
    this.shell = shell;
    this.logSink = options.log;
  }

  /**
   * Runs a script in the provider and resolves to its output.
   * @throws {ProviderError} `ERR_METALOR_PROVIDER_SHELL_FAILED` with `exitCode`/`signal`, `stdout` and
   * `stderr` when it fails; `ERR_METALOR_PROVIDER_SPAWN_FAILED` when the shell cannot start.
   */
  async run(script: string): Promise<ProviderRunResult> {
    const outcome = await this.capture(script);
    if (!succeeded(outcome)) throw processFailure('ERR_METALOR_PROVIDER_SHELL_FAILED', 'provider shell command', outcome);
    return { stdout: outcome.stdout ?? '', stderr: outcome.stderr ?? '' };
  }

  /**
   * Whether `path` exists in the provider (`[ -e path ]`, so a dangling symlink does not).
   * @throws {ProviderError} as {@link ProviderSession.run} does.
   */
  async pathExists(path: string): Promise<boolean> {
    const { stdout } = await this.run(`if [ -e ${shellQuote(path)} ]; then printf 1; else printf 0; fi`);
    return stdout.startsWith('1');
  }

  /**
   * Creates a fresh, empty `<jobs>/<sanitized label>-<pid>-<nanos>` directory.
   * @throws {ProviderError} as {@link ProviderSession.run} does.
   */
  async prepareJobRoot(layout: ProviderRuntimeLayout, label: string): Promise<RemoteJobRoot> {
    const jobsRoot = layout.jobsRoot();
    const root = providerJoin(jobsRoot, `${sanitizeJobLabel(label)}-${process.pid}-${epochNanos()}`);
    await this.run(`mkdir -p ${shellQuote(jobsRoot)} && rm -rf ${shellQuote(root)} && mkdir -p ${shellQuote(root)}`);
    this.log(`provider job root: ${root}`);
    return { root };
  }

  /**
   * Writes `<runtimeRoot>/provider-metadata.env` in the provider atomically: a temporary file
   * renamed over the old one, so readers see the old or the new content, never a part.
   * @throws {ProviderError} `ERR_METALOR_PROVIDER_METADATA_INVALID` before anything runs; else as `run`.
   */
  async writeRuntimeMetadata(metadata: ProviderRuntimeMetadata): Promise<void> {
    const payload = renderProviderMetadataEnv(metadata);
    const target = providerMetadataPath(metadata.runtimeRoot);
    const temporary = `${target}.tmp-${process.pid}-${epochNanos()}`;
    await this.run(
      `mkdir -p ${shellQuote(metadata.runtimeRoot)} && printf '%s' ${shellQuote(payload)} > ${shellQuote(temporary)} ` +
        `&& mv -f ${shellQuote(temporary)} ${shellQuote(target)} || { rm -f ${shellQuote(temporary)}; exit 1; }`,
    );
  }

  /**
   * Runs `cold` once unless the stamp and every required path exist, then touches the stamp.
   * @throws {ProviderError} `ERR_METALOR_PROVIDER_LABEL_EMPTY` for a blank label; whatever `cold` throws
   * (the stamp is then left absent); else as `run`.
   */
  async ensureWarmState(
    label: string,
    stampPath: string,
    requiredPaths: readonly string[],
    cold: (session: ProviderSession) => void | Promise<void>,
  ): Promise<WarmState> {
    if (label.trim() === '') {
      throw new ProviderError('ERR_METALOR_PROVIDER_LABEL_EMPTY', `warm-state label ${JSON.stringify(label)} must not be empty`);
    }
    let warm = await this.pathExists(stampPath);
    for (const required of requiredPaths) {
      if (!warm) break;
      warm = await this.pathExists(required);
    }
    this.log(`provider ${label}: ${warm ? 'warm' : 'cold'}`);
    if (warm) return 'warm';
    await cold(this);
    await this.run(`mkdir -p ${shellQuote(providerDirname(stampPath))} && touch ${shellQuote(stampPath)}`);
    return 'cold';
  }

  /**
   * Copies a host file or directory into `remoteParent` and resolves to its provider path.
   * With `restoreExecutableBins`, regular files under `<staged>/bin` become `a+rx`.
   * Modes, symlinks (as links) and empty directories are kept.
   * @throws {ProviderError} `ERR_METALOR_PROVIDER_HOST_PATH` when the host path is missing;
   * `ERR_METALOR_PROVIDER_SHELL_FAILED` when the provider side fails (even part way);
   * `ERR_METALOR_PROVIDER_HOST_TAR_FAILED` when reading the host tree fails.
   */
  async stageHostPath(localPath: string, remoteParent: string, restoreExecutableBins = false): Promise<string> {
    let canonical: string;
    try {
      canonical = await realpath(localPath);
    } catch (cause) {
      throw new ProviderError(
        'ERR_METALOR_PROVIDER_HOST_PATH',
        `cannot stage host path ${JSON.stringify(localPath)}: expected an existing file or directory (${(cause as Error).message})`,
        { cause },
      );
    }
    const name = path.basename(canonical);
    if (name === '') {
      throw new ProviderError('ERR_METALOR_PROVIDER_HOST_PATH', `cannot stage host path ${JSON.stringify(localPath)}: expected a path with a file name, not a root`);
    }
    const remoteRoot = providerJoin(remoteParent, name);
    const bin = shellQuote(`${remoteRoot}/bin`);
    let script = `mkdir -p ${shellQuote(remoteParent)} && tar -xf - -C ${shellQuote(remoteParent)}`;
    if (restoreExecutableBins) script += ` && if [ -d ${bin} ]; then find ${bin} -type f -exec chmod a+rx {} +; fi`;
    const command = this.command(script);
    this.log(`push into provider: ${canonical} -> ${remoteParent}`);
    this.logCommand(command, script);
    const outcome = await this.logged(pushTarToShell(path.dirname(canonical), name, command));
    this.logOutput(outcome);
    return remoteRoot;
  }

  /**
   * Copies a provider file or directory into host directory `localParent` (created when missing).
   * Modes, symlinks (as links) and empty directories are kept.
   * @throws {ProviderError} `ERR_METALOR_PROVIDER_PATH_INVALID` for a path without a file name;
   * `ERR_METALOR_PROVIDER_HOST_PATH` when `localParent` cannot be created;
   * `ERR_METALOR_PROVIDER_UNSAFE_ARCHIVE` for entries that would escape `localParent`;
   * `ERR_METALOR_PROVIDER_SHELL_FAILED` when the provider side fails (even part way);
   * `ERR_METALOR_PROVIDER_HOST_TAR_FAILED` when writing on the host fails.
   */
  async collectPath(remotePath: string, localParent: string): Promise<void> {
    const name = providerBasename(remotePath);
    if (name === '' || name === '.' || name === '..') {
      throw new ProviderError(
        'ERR_METALOR_PROVIDER_PATH_INVALID',
        `cannot collect provider path ${JSON.stringify(remotePath)}: expected a path ending in a file name`,
      );
    }
    try {
      await mkdir(localParent, { recursive: true });
    } catch (cause) {
      throw new ProviderError(
        'ERR_METALOR_PROVIDER_HOST_PATH',
        `cannot collect into host directory ${JSON.stringify(localParent)}: expected a directory or a creatable path (${(cause as Error).message})`,
        { cause },
      );
    }
    const script = `tar -cf - -C ${shellQuote(providerDirname(remotePath))} ${shellQuote(name)}`;
    const command = this.command(script);
    this.log(`pull from provider: ${remotePath} -> ${localParent}`);
    this.logCommand(command, script);
    const outcome = await this.logged(pullTarFromShell(localParent, command));
    this.logOutput(outcome);
  }

  /**
   * Removes a provider path recursively (`rm -rf`); a missing path is not an error.
   * @throws {ProviderError} as {@link ProviderSession.run} does.
   */
  async removePath(remotePath: string): Promise<void> {
    await this.run(`rm -rf ${shellQuote(remotePath)}`);
  }

  private command(script: string): ShellCommand {
    return resolveShellCommand(this.shell, script);
  }

  private async capture(script: string): Promise<ProcessOutcome> {
    const command = this.command(script);
    this.logCommand(command, script);
    const child = spawnCommand(command, { stdin: 'ignore', stdout: 'pipe', bufferStdout: true });
    const outcome = outcomeOf(command, await child);
    this.logOutput(outcome);
    return outcome;
  }

  /** Logs the output a failed transfer carried before rethrowing its error. */
  private async logged(transfer: Promise<ProcessOutcome>): Promise<ProcessOutcome> {
    try {
      return await transfer;
    } catch (error) {
      const failed = error as ProviderError;
      this.logOutput({ command: [], stdout: failed.stdout, stderr: failed.stderr });
      if (failed.code === 'ERR_METALOR_PROVIDER_HOST_TAR_FAILED') this.log(failed.message);
      throw error;
    }
  }

  private logCommand(command: ShellCommand, script: string): void {
    if (!this.logSink) return;
    this.log(`run provider: ${commandArgv(command)[0]} (${command.args.length} args)`);
    for (const line of script.split('\n')) this.log(`+ ${line}`);
  }

  private logOutput(outcome: ProcessOutcome): void {
    if (!this.logSink) return;
    for (const text of [outcome.stdout, outcome.stderr]) {
      if (!text) continue;
      for (const line of text.replace(/\n$/, '').split('\n')) this.log(line);
    }
  }

  private log(line: string): void {
    this.logSink?.(line);
  }
}

let lastNanos = 0n;

/** Nanoseconds since the epoch, strictly increasing within this process. */
function epochNanos(): string {
  const now = BigInt(Date.now()) * 1_000_000n + (process.hrtime.bigint() % 1_000_000n);
  lastNanos = now > lastNanos ? now : lastNanos + 1n;
  return lastNanos.toString();
}
