import { LinuxRuntimeError } from '../errors.js';
import type { ContainerRunCommand, RunnerRequest } from './types.js';

/**
 * The trailing runner arguments for a command, as SPEC orders them:
 * `--root R --cwd C`, per mount `--mount-source S --mount-dest D --mount-mode ro|rw`,
 * per env pair `--env K=V`, `--emulator E` when set, `--executable X`, then argv.
 */
export function formatRunnerArgs(command: ContainerRunCommand): string[] {
  const args = ['--root', command.root, '--cwd', command.cwd];
  for (const mount of command.mounts) {
    args.push('--mount-source', mount.source, '--mount-dest', mount.destination, '--mount-mode', mount.readOnly ? 'ro' : 'rw');
  }
  for (const [key, value] of command.env) args.push('--env', `${key}=${value}`);
  if (command.emulator !== undefined) args.push('--emulator', command.emulator);
  args.push('--executable', command.executable, ...command.argv);
  return args;
}

function bad(message: string): never {
  throw new LinuxRuntimeError('ERR_METALOR_RUNNER_ARGS', message);
}

/**
 * Turn the trailing runner arguments back into a {@link ContainerRunCommand}, or into the
 * path of a build-cell request (`--build-cell-request P`). Everything after
 * `--executable X` is argv, taken verbatim.
 *
 * @throws {LinuxRuntimeError} `ERR_METALOR_RUNNER_ARGS` naming the unexpected or incomplete argument.
 */
export function parseRunnerArgs(args: readonly string[]): RunnerRequest {
  if (args[0] === '--build-cell-request') {
    if (args.length !== 2 || !args[1]) bad(`--build-cell-request takes exactly one path, got ${JSON.stringify(args.slice(1))}`);
    return { kind: 'buildCell', requestPath: args[1] };
  }
  const command: Partial<ContainerRunCommand> & Pick<ContainerRunCommand, 'mounts' | 'env'> = { mounts: [], env: [] };
  let index = 0;
  const value = (option: string): string => {
    const next = args[index + 1];
    if (next === undefined) bad(`option ${option} needs a value`);
    index += 2;
    return next;
  };
  while (index < args.length) {
    const option = args[index];
    switch (option) {
      case '--root': command.root = value(option); break;
      case '--cwd': command.cwd = value(option); break;
      case '--emulator': command.emulator = value(option); break;
      case '--env': {
        const pair = value(option);
        const split = pair.indexOf('=');
        if (split <= 0) bad(`--env value ${JSON.stringify(pair)} is not KEY=VALUE`);
        command.env.push([pair.slice(0, split), pair.slice(split + 1)]);
        break;
      }
      case '--mount-source': {
        const [, source, destFlag, destination, modeFlag, mode] = args.slice(index, index + 6);
        if (destFlag !== '--mount-dest' || modeFlag !== '--mount-mode' || source === undefined || destination === undefined) {
          bad('--mount-source must be followed by --mount-dest D --mount-mode ro|rw');
        }
        if (mode !== 'ro' && mode !== 'rw') bad(`--mount-mode ${JSON.stringify(mode)} is not ro or rw`);
        command.mounts.push({ source, destination, readOnly: mode === 'ro' });
        index += 6;
        break;
      }
      case '--executable': {
        command.executable = value(option);
        command.argv = args.slice(index);
        index = args.length;
        break;
      }
      default:
        bad(`unexpected argument ${JSON.stringify(option)}: expected an option of the metalor runner`);
    }
  }
  if (command.root === undefined || command.cwd === undefined || command.executable === undefined) {
    bad('runner arguments need --root, --cwd and --executable');
  }
  return { kind: 'container', command: command as ContainerRunCommand };
}
