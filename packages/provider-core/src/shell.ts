import path from 'node:path';
import { ProviderError } from './errors.js';
import { shellQuote } from './lib/shell-quote.js';

/** A process to spawn: the file, its arguments, and variables added to the environment. */
export interface ShellCommand {
  file: string;
  args: readonly string[];
  env?: Readonly<Record<string, string>>;
}

/** Something that runs a POSIX `sh` script inside a Linux environment. */
export interface ProviderShell {
  /** The command that runs `script` in the provider's shell; its stdin and stdout are the script's. */
  spawnShell(script: string): ShellCommand;
}

/** A plain function is accepted wherever a {@link ProviderShell} is. */
export type ProviderShellFunction = (script: string) => ShellCommand;

/** Either form of provider shell. */
export type ProviderShellLike = ProviderShell | ProviderShellFunction;

/**
 * Asks a shell (object or function) for the command that runs `script`, and checks its shape.
 * @throws {ProviderError} `ERR_METALOR_PROVIDER_SHELL_INVALID` when the shell returns no file or non-string args.
 */
export function resolveShellCommand(shell: ProviderShellLike, script: string): ShellCommand {
  const command = typeof shell === 'function' ? shell(script) : shell.spawnShell(script);
  const valid =
    typeof command === 'object' &&
    command !== null &&
    typeof command.file === 'string' &&
    command.file !== '' &&
    Array.isArray(command.args) &&
    command.args.every((arg) => typeof arg === 'string');
  if (!valid) {
    throw new ProviderError(
      'ERR_METALOR_PROVIDER_SHELL_INVALID',
      `provider shell returned ${JSON.stringify(command)}: expected { file: non-empty string, args: string[] }`,
    );
  }
  return command;
}

/** How a {@link CommandShell} hands the script to its prefix. */
export type CommandShellQuoting =
  /** The prefix joins its arguments into one string for a remote shell (`ssh`): send `sh -c '<script>'` as one quoted word. */
  | 'remote-shell'
  /** The prefix passes arguments through as argv (`docker exec c`, `kubectl exec pod --`): send `sh`, `-c`, script. */
  | 'argv';

/** Options for {@link CommandShell}. */
export interface CommandShellOptions {
  /** Defaults to `remote-shell` when the prefix's program is `ssh`, else `argv`. */
  quoting?: CommandShellQuoting;
  /** Variables added to the prefix process's environment. */
  env?: Readonly<Record<string, string>>;
}

/**
 * A {@link ProviderShell} for any argv prefix that reaches a Linux host: `ssh host --`,
 * `kubectl exec pod --`, `docker exec -i c`. The script runs in `sh -c` on the far side, intact:
 * through `ssh`, which joins its arguments into one string for the remote login shell,
 * it travels as one single-quoted word.
 */
export class CommandShell implements ProviderShell {
  /** The argv prefix, program first. */
  readonly prefix: readonly string[];
  /** How the script is handed over. */
  readonly quoting: CommandShellQuoting;
  private readonly env: Readonly<Record<string, string>> | undefined;

  /**
   * @throws {ProviderError} `ERR_METALOR_PROVIDER_SHELL_INVALID` for an empty prefix, an empty program,
   * or a non-string element.
   */
  constructor(prefix: readonly string[], options: CommandShellOptions = {}) {
    if (!Array.isArray(prefix) || prefix.length === 0 || prefix.some((part) => typeof part !== 'string') || prefix[0] === '') {
      throw new ProviderError(
        'ERR_METALOR_PROVIDER_SHELL_INVALID',
        `invalid command shell prefix ${JSON.stringify(prefix)}: expected a non-empty array of strings starting with a program`,
      );
    }
    if (options.quoting !== undefined && options.quoting !== 'remote-shell' && options.quoting !== 'argv') {
      throw new ProviderError(
        'ERR_METALOR_PROVIDER_SHELL_INVALID',
        `invalid command shell quoting ${JSON.stringify(options.quoting)}: expected "remote-shell" or "argv"`,
      );
    }
    this.prefix = [...prefix];
    this.quoting = options.quoting ?? defaultQuoting(prefix[0] as string);
    this.env = options.env;
  }

  /** `prefix… sh -c script`, quoted as {@link CommandShell.quoting} says. */
  spawnShell(script: string): ShellCommand {
    const [file, ...rest] = this.prefix as [string, ...string[]];
    const tail = this.quoting === 'remote-shell' ? [`sh -c ${shellQuote(script)}`] : ['sh', '-c', script];
    return { file, args: [...rest, ...tail], ...(this.env ? { env: this.env } : {}) };
  }
}

function defaultQuoting(program: string): CommandShellQuoting {
  const name = path.basename(program.replaceAll('\\', '/')).toLowerCase();
  return name === 'ssh' || name === 'ssh.exe' ? 'remote-shell' : 'argv';
}
