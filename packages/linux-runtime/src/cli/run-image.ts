import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { hostArch } from '../arch/arch-names.js';
import { prepareRuntimeEmulator } from '../arch/emulator.js';
import { LinuxRuntimeError } from '../errors.js';
import { prepareOciRootfs } from '../oci/prepare.js';
import { runContainer } from '../run/run.js';
import { mergeEnv, readImageDefaults } from './image-config.js';
import type { CliIo } from './main.js';
import { reportRunEnd } from './outcome.js';
import type { CliCommand } from './parse-args.js';
import { createProgressReporter } from './progress.js';
import { processStateDirInputs, resolveStateDirs } from './state-dirs.js';

type RunCommand = Extract<CliCommand, { kind: 'run' }>;

/**
 * `metalor run`: prepares the image under a package root of its own (a copy-on-write view of
 * the cached layout), runs the command with this terminal's stdio, removes the package root,
 * and resolves to the command's exit status.
 */
export async function runImageCommand(command: RunCommand, io: CliIo): Promise<number> {
  const { stateDir, cacheDir } = resolveStateDirs({ ...processStateDirInputs(command.common), env: io.env, cwd: io.cwd });
  await mkdir(stateDir, { recursive: true, mode: 0o700 });
  const packageRoot = path.join(stateDir, 'runs', `run-${process.pid}-${Date.now().toString(36)}`);
  try {
    const rootfs = await prepareOciRootfs(command.image, stateDir, packageRoot, {
      cacheRoot: cacheDir,
      arch: command.arch,
      onProgress: createProgressReporter(io.stderr, command.common.quiet),
      signal: io.signal,
    });
    const defaults = await readImageDefaults(rootfs);
    const argv = command.argv.length > 0 ? command.argv : defaults.args;
    const [executable, ...args] = argv;
    if (executable === undefined) {
      throw new LinuxRuntimeError('ERR_METALOR_CLI_NO_COMMAND', `image ${command.image} declares no default command: expected a command after --`);
    }
    const emulator = command.arch === undefined ? null : await prepareRuntimeEmulator(rootfs, hostArch(), command.arch);
    const outcome = await runContainer({
      root: rootfs,
      cwd: command.cwd ?? defaults.cwd,
      mounts: command.mounts,
      env: mergeEnv(defaults.env, command.env),
      ...(emulator === null ? {} : { emulator }),
      executable,
      argv: args,
    }, {
      runtimeRootPrefix: stateDir,
      ...(command.common.rootless ? { backend: 'rootlessUser' as const } : {}),
      ...(io.signal ? { signal: io.signal } : {}),
      ...(command.timeoutMs === undefined ? {} : { timeoutMs: command.timeoutMs }),
      network: command.network,
      stdio: 'inherit',
    });
    return reportRunEnd(outcome, command.timeoutMs, io);
  } finally {
    await rm(packageRoot, { recursive: true, force: true });
  }
}
