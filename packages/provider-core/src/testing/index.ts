/**
 * The provider contract suite: the behaviour every {@link ProviderShell} must give a
 * {@link ProviderSession}. Import it from `@metalor/provider-core/testing` inside a vitest test
 * file; it registers its tests with vitest (a test-time import this package does not depend on).
 * @packageDocumentation
 */
import { randomBytes } from 'node:crypto';
import { chmod, link, lstat, mkdir, mkdtemp, readFile, readlink, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProviderError } from '../errors.js';
import { ProviderRuntimeLayout } from '../layout.js';
import { renderProviderMetadataEnv } from '../metadata.js';
import { ProviderSession } from '../session.js';
import { shellQuote as q } from '../lib/shell-quote.js';
import { resolveShellCommand, type ProviderShellLike, type ShellCommand } from '../shell.js';

/** Options for {@link describeProviderContract}. */
export interface ProviderContractOptions {
  /** Creates the shell under test; called once, before the suite's tests. */
  shell: () => ProviderShellLike | Promise<ProviderShellLike>;
  /** Per-test timeout in milliseconds (default 60 000). */
  timeout?: number;
}

/** Names that break scripts that forget to quote: spaces, quotes, `$`, backticks, newlines. */
export const AWKWARD_NAMES: readonly string[] = [
  'with space',
  `quote's "double"`,
  '$HOME and ${PATH}',
  'back`tick`',
  'new\nline',
  '-leading-dash',
];

interface TreeEntry {
  kind: 'file' | 'dir' | 'symlink';
  mode?: number;
  content?: string;
  target?: string;
}

/** Reads a host tree into a comparable record of kinds, permission bits, contents and link targets. */
async function snapshotTree(root: string): Promise<Record<string, TreeEntry>> {
  const entries: Record<string, TreeEntry> = {};
  async function walk(dir: string, prefix: string): Promise<void> {
    for (const name of (await readdir(dir)).sort()) {
      const full = path.join(dir, name);
      const key = prefix === '' ? name : `${prefix}/${name}`;
      const stats = await lstat(full);
      if (stats.isSymbolicLink()) entries[key] = { kind: 'symlink', target: await readlink(full) };
      else if (stats.isDirectory()) {
        entries[key] = { kind: 'dir', mode: stats.mode & 0o7777 };
        await walk(full, key);
      } else entries[key] = { kind: 'file', mode: stats.mode & 0o7777, content: await readFile(full, 'utf8') };
    }
  }
  await walk(root, '');
  return entries;
}

/** Builds the awkward host tree the transfer tests push and pull. */
async function buildAwkwardTree(root: string): Promise<void> {
  await mkdir(path.join(root, 'empty dir', 'nested empty'), { recursive: true });
  await mkdir(path.join(root, 'bin'));
  await writeFile(path.join(root, 'bin', 'tool'), '#!/bin/sh\necho tool\n');
  await chmod(path.join(root, 'bin', 'tool'), 0o644);
  for (const [index, name] of AWKWARD_NAMES.entries()) {
    await writeFile(path.join(root, name), `content ${index}\n`);
  }
  await chmod(path.join(root, AWKWARD_NAMES[0] as string), 0o755);
  await chmod(path.join(root, AWKWARD_NAMES[1] as string), 0o600);
  await chmod(path.join(root, AWKWARD_NAMES[2] as string), 0o640);
  await mkdir(path.join(root, 'private dir'), { mode: 0o700 });
  await chmod(path.join(root, 'private dir'), 0o700);
  await writeFile(path.join(root, 'private dir', 'secret'), 'secret\n');
  await symlink(AWKWARD_NAMES[3] as string, path.join(root, 'relative link'));
  // Longer than the 100 bytes of a plain tar header, and not ASCII: needs pax or GNU long names.
  const deep = path.join(root, 'd'.repeat(70), `ünïcødé ${'e'.repeat(70)}`);
  await mkdir(deep, { recursive: true });
  await writeFile(path.join(deep, `fïle ${'f'.repeat(90)}`), 'deep\n');
  await symlink(`../${'t'.repeat(120)}`, path.join(deep, 'long target'));
  await link(path.join(root, AWKWARD_NAMES[0] as string), path.join(root, 'hard link'));
  await symlink('/nonexistent/target', path.join(root, 'dangling link'));
}

/** A shell that runs `wrap(script)` instead of `script`, to make the provider side fail on purpose. */
function wrapShell(shell: ProviderShellLike, wrap: (script: string) => string): (script: string) => ShellCommand {
  return (script) => resolveShellCommand(shell, wrap(script));
}

function expectProviderFailure(error: unknown, exitCode: number, stderrPart: string): void {
  expect(error).toBeInstanceOf(ProviderError);
  const failure = error as ProviderError;
  expect(failure.code).toBe('ERR_METALOR_PROVIDER_SHELL_FAILED');
  expect(failure.exitCode).toBe(exitCode);
  expect(failure.message).toContain(`exit code ${exitCode}`);
  expect(failure.message).toContain(stderrPart);
  expect(failure.message).not.toMatch(/EPIPE|broken pipe/i);
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the operation to fail, but it succeeded');
}

/**
 * Runs `run` and returns the {@link ProviderError} it throws.
 * @throws {Error} (a failed expectation) when it does not throw, or throws something else.
 */
export function providerErrorOf(run: () => unknown): ProviderError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ProviderError);
    return error as ProviderError;
  }
  throw new Error('expected a ProviderError, but nothing was thrown');
}

/**
 * Awaits `promise` and returns the {@link ProviderError} it rejects with.
 * @throws {Error} (a failed expectation) when it resolves, or rejects with something else.
 */
export async function providerRejectionOf(promise: Promise<unknown>): Promise<ProviderError> {
  const error = await rejection(promise);
  expect(error).toBeInstanceOf(ProviderError);
  return error as ProviderError;
}

/**
 * Registers the provider contract tests for one shell under `describe(name)`: script integrity,
 * failure reports, the log sink, job roots, atomic metadata, warm state, push and pull of awkward
 * trees (modes, symlinks, empty directories, names with spaces, quotes, `$`, backticks and
 * newlines), failures part way through a stream in both directions, and removal.
 * The provider side needs a POSIX `sh`, `tar`, `mktemp`, `stat`, `find`, `head`, `mv` and `rm`.
 */
export function describeProviderContract(name: string, options: ProviderContractOptions): void {
  const timeout = options.timeout ?? 60_000;
  describe(name, () => {
    let shell: ProviderShellLike;
    let session: ProviderSession;
    let remote: string;
    let host: string;

    beforeAll(async () => {
      shell = await options.shell();
      session = new ProviderSession(shell);
      remote = (await session.run('mktemp -d')).stdout.trim();
      host = await mkdtemp(path.join(tmpdir(), 'metalor-contract-'));
    });

    afterAll(async () => {
      if (session && remote) await session.removePath(remote);
      if (host) await rm(host, { recursive: true, force: true });
    });

    it('runs a script intact and returns its output', { timeout }, async () => {
      const text = `it's "quoted" $HOME \`date\` \\ back\nslash; | & * ?`;
      const result = await session.run(`printf '%s' ${q(text)}; printf 'to stderr' >&2`);
      expect(result.stdout).toBe(text);
      expect(result.stderr).toBe('to stderr');
    });

    it('reports a failing script with its status, stdout and stderr', { timeout }, async () => {
      const error = await rejection(session.run('echo partial output; echo went wrong >&2; exit 3'));
      expectProviderFailure(error, 3, 'stderr: went wrong');
      expect((error as ProviderError).stdout).toBe('partial output\n');
      expect((error as ProviderError).message).toContain('stdout: partial output');
    });

    it('sends every command and its output to the log', { timeout }, async () => {
      const lines: string[] = [];
      const logged = new ProviderSession(shell, { log: (line) => lines.push(line) });
      await logged.run('echo logged-stdout; echo logged-stderr >&2');
      expect(lines.some((line) => line.includes('echo logged-stdout; echo logged-stderr >&2'))).toBe(true);
      expect(lines).toContain('logged-stdout');
      expect(lines).toContain('logged-stderr');
    });

    it('tells existing paths from missing ones, whatever their names', { timeout }, async () => {
      for (const awkward of AWKWARD_NAMES) {
        const target = `${remote}/exists ${awkward}`;
        expect(await session.pathExists(target)).toBe(false);
        await session.run(`: > ${q(target)}`);
        expect(await session.pathExists(target)).toBe(true);
      }
    });

    it('prepares a fresh, empty job root with a sanitized label', { timeout }, async () => {
      const layout = new ProviderRuntimeLayout(`${remote}/runtime root $x`);
      const first = await session.prepareJobRoot(layout, 'build one/two');
      const second = await session.prepareJobRoot(layout, 'build one/two');
      expect(first.root).toMatch(new RegExp(`^${escapeRegExp(layout.jobsRoot())}/build-one-two-${process.pid}-\\d+$`));
      expect(second.root).not.toBe(first.root);
      expect(await session.pathExists(first.root)).toBe(true);
      expect((await session.run(`ls -A ${q(first.root)}`)).stdout).toBe('');
    });

    it('writes runtime metadata byte for byte, replacing the old file atomically', { timeout }, async () => {
      const layout = new ProviderRuntimeLayout(`${remote}/meta 'root'`);
      const first = layout.metadata('wsl2', 'Ubuntu-24.04', 'v1');
      await session.writeRuntimeMetadata(first);
      const second = layout.metadata('mac-local', 'vm "one"', 'v2');
      await session.writeRuntimeMetadata(second);
      const local = path.join(host, 'metadata');
      await session.collectPath(layout.metadataPath(), local);
      expect(await readFile(path.join(local, 'provider-metadata.env'), 'utf8')).toBe(renderProviderMetadataEnv(second));
      const listing = (await session.run(`ls -A ${q(layout.root)}`)).stdout;
      expect(listing.trim().split('\n')).toEqual(['provider-metadata.env']);
    });

    it('runs the cold step once, then stays warm until a required path goes', { timeout }, async () => {
      const layout = new ProviderRuntimeLayout(`${remote}/warm root`);
      const stamp = layout.stampPath('bootstrap', 'v1');
      const required = layout.join('tools/ready marker');
      let coldRuns = 0;
      const cold = async (inner: ProviderSession) => {
        coldRuns += 1;
        await inner.run(`mkdir -p ${q(layout.join('tools'))} && : > ${q(required)}`);
      };
      expect(await session.ensureWarmState('bootstrap', stamp, [required], cold)).toBe('cold');
      expect(await session.ensureWarmState('bootstrap', stamp, [required], cold)).toBe('warm');
      expect(coldRuns).toBe(1);
      await session.removePath(required);
      expect(await session.ensureWarmState('bootstrap', stamp, [required], cold)).toBe('cold');
      expect(coldRuns).toBe(2);
      const failingStamp = layout.stampPath('failing', 'v1');
      const error = await rejection(
        session.ensureWarmState('failing', failingStamp, [], () => {
          throw new Error('cold step broke');
        }),
      );
      expect((error as Error).message).toBe('cold step broke');
      expect(await session.pathExists(failingStamp)).toBe(false);
    });

    it('pushes and pulls an awkward tree keeping modes, symlinks and empty directories', { timeout }, async () => {
      const source = path.join(host, 'push source', 'tree $name');
      await buildAwkwardTree(source);
      const remoteParent = `${remote}/staged ${AWKWARD_NAMES.join(' ')}`;
      const staged = await session.stageHostPath(source, remoteParent);
      expect(staged).toBe(`${remoteParent}/tree $name`);
      const quotedTool = q(`${staged}/bin/tool`);
      expect((await session.run(`stat -c %a ${quotedTool}`)).stdout.trim()).toBe('644');
      const back = path.join(host, 'pulled back');
      await session.collectPath(staged, back);
      expect(await snapshotTree(path.join(back, 'tree $name'))).toEqual(await snapshotTree(source));
      const pulled = path.join(back, 'tree $name');
      expect((await lstat(path.join(pulled, 'hard link'))).ino).toBe((await lstat(path.join(pulled, AWKWARD_NAMES[0] as string))).ino);
    });

    it('makes files under bin executable when asked', { timeout }, async () => {
      const source = path.join(host, 'bins', 'package');
      await mkdir(path.join(source, 'bin', 'nested'), { recursive: true });
      await writeFile(path.join(source, 'bin', 'nested', 'run me'), '#!/bin/sh\n', { mode: 0o600 });
      await writeFile(path.join(source, 'not-bin'), 'data\n', { mode: 0o644 });
      const staged = await session.stageHostPath(source, `${remote}/bin restore`, true);
      const mode = async (relative: string) =>
        (await session.run(`stat -c %a ${q(`${staged}/${relative}`)}`)).stdout.trim();
      expect(await mode('bin/nested/run me')).toBe('755');
      expect(await mode('not-bin')).toBe('644');
    });

    it('pushes and pulls a single file', { timeout }, async () => {
      const file = path.join(host, 'single', `one 'file' $x`);
      await mkdir(path.dirname(file), { recursive: true });
      await writeFile(file, 'just me\n', { mode: 0o751 });
      await chmod(file, 0o751);
      const staged = await session.stageHostPath(file, `${remote}/single`);
      const back = path.join(host, 'single back');
      await session.collectPath(staged, back);
      const copied = path.join(back, `one 'file' $x`);
      expect(await readFile(copied, 'utf8')).toBe('just me\n');
      expect((await lstat(copied)).mode & 0o7777).toBe(0o751);
    });

    it('reports a provider that cannot receive a push as that failure', { timeout }, async () => {
      const source = path.join(host, 'large push');
      await mkdir(source, { recursive: true });
      await writeFile(path.join(source, 'random.bin'), randomBytes(4 * 1024 * 1024));
      await session.run(`: > ${q(`${remote}/plain file`)}`);
      const error = await rejection(session.stageHostPath(source, `${remote}/plain file/below`));
      expectProviderFailure(error, 1, 'mkdir');
    });

    it('reports a provider that dies part way through a push as that failure, not a broken pipe', { timeout }, async () => {
      const source = path.join(host, 'large push 2');
      await mkdir(source, { recursive: true });
      await writeFile(path.join(source, 'random.bin'), randomBytes(4 * 1024 * 1024));
      const dying = new ProviderSession(wrapShell(shell, () => 'head -c 65536 >/dev/null; echo died reading >&2; exit 7'));
      const error = await rejection(dying.stageHostPath(source, `${remote}/never`));
      expectProviderFailure(error, 7, 'died reading');
    });

    it('reports a provider that dies part way through a pull as that failure', { timeout }, async () => {
      const source = path.join(host, 'large pull');
      await mkdir(source, { recursive: true });
      await writeFile(path.join(source, 'random.bin'), randomBytes(4 * 1024 * 1024));
      const staged = await session.stageHostPath(source, `${remote}/pull source`);
      const dying = new ProviderSession(
        wrapShell(shell, (script) => `(${script}) | head -c 100000; echo died writing >&2; exit 7`),
      );
      const error = await rejection(dying.collectPath(staged, path.join(host, 'partial pull')));
      expectProviderFailure(error, 7, 'died writing');
    });

    it('reports a missing provider path on pull with the provider tar status', { timeout }, async () => {
      const error = await rejection(session.collectPath(`${remote}/missing dir/missing`, path.join(host, 'nothing')));
      expectProviderFailure(error, 2, 'tar');
    });

    it('removes provider paths, and accepts missing ones', { timeout }, async () => {
      const target = `${remote}/remove ${AWKWARD_NAMES[4]}`;
      await session.run(`mkdir -p ${q(`${target}/inner`)} && : > ${q(`${target}/inner/file`)}`);
      await session.removePath(target);
      expect(await session.pathExists(target)).toBe(false);
      await session.removePath(target);
      expect(await session.pathExists(remote)).toBe(true);
    });
  });
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
