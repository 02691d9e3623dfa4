import path from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { LinuxRuntimeError } from '../errors.js';
import { CELL_USAGE, MAIN_USAGE, PROBE_USAGE, RUN_USAGE } from './usage.js';

/** Options every command that runs something accepts. */
export interface CommonCliOptions {
  stateDir?: string;
  cacheDir?: string;
  rootless: boolean;
  quiet: boolean;
}

/** One `--mount SRC:DST[:ro]`, with SRC made absolute against the caller's cwd. */
export interface CliMount {
  source: string;
  destination: string;
  readOnly: boolean;
}

/** What the command line asks for, validated. */
export type CliCommand =
  | { kind: 'help'; text: string }
  | { kind: 'version' }
  | {
      kind: 'run';
      image: string;
      arch?: string;
      network: 'enabled' | 'disabled';
      mounts: CliMount[];
      env: [string, string][];
      cwd?: string;
      argv: string[];
      timeoutMs?: number;
      common: CommonCliOptions;
    }
  | { kind: 'cell'; requestPath: string; timeoutMs?: number; common: CommonCliOptions }
  | { kind: 'probe'; json: boolean };

/** Where relative paths and `--env K` (no value) are looked up. */
export interface ParseContext {
  cwd: string;
  env: NodeJS.ProcessEnv;
}

/** Code of the error a bad command line raises; the CLI prints the usage and exits 2. */
export const CLI_USAGE_ERROR = 'ERR_METALOR_CLI_USAGE';

function usageError(message: string, usage: string): LinuxRuntimeError {
  const error = new LinuxRuntimeError(CLI_USAGE_ERROR, message);
  (error as LinuxRuntimeError & { usage?: string }).usage = usage;
  return error;
}

/** The usage text a usage error carries (the command's, else the main one). */
export function usageOf(error: unknown): string {
  return (error as { usage?: string } | null)?.usage ?? MAIN_USAGE;
}

const COMMON = {
  'state-dir': { type: 'string' },
  'cache-dir': { type: 'string' },
  rootless: { type: 'boolean' },
  quiet: { type: 'boolean', short: 'q' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies ParseArgsConfig['options'];

/**
 * Turns `metalor`'s arguments (without node and the script) into a {@link CliCommand}.
 *
 * @throws {LinuxRuntimeError} `ERR_METALOR_CLI_USAGE` naming the bad argument; the error's
 *   `usage` holds the help text of the command concerned.
 */
export function parseCliArgs(argv: readonly string[], context: ParseContext): CliCommand {
  const [command, ...rest] = argv;
  switch (command) {
    case 'run':
      return parseRun(rest, context);
    case 'cell':
      return parseCell(rest, context);
    case 'probe':
      return parseProbe(rest);
    case undefined:
      throw usageError('missing command: expected run, cell or probe', MAIN_USAGE);
    case '-h':
    case '--help':
    case 'help':
      return { kind: 'help', text: MAIN_USAGE };
    case '--version':
    case 'version':
      return { kind: 'version' };
    default:
      throw usageError(`unknown command ${JSON.stringify(command)}: expected run, cell or probe`, MAIN_USAGE);
  }
}

/** parseArgs with strict checking, its TypeErrors turned into usage errors. */
function parseStrict<T extends NonNullable<ParseArgsConfig['options']>>(args: readonly string[], options: T, usage: string) {
  try {
    return parseArgs({ args: [...args], options, strict: true, allowPositionals: true, tokens: true });
  } catch (error) {
    throw usageError((error as Error).message.replace(/\. To specify a positional argument.*$/s, ''), usage);
  }
}

function common(values: Record<string, unknown>): CommonCliOptions {
  const result: CommonCliOptions = { rootless: values.rootless === true, quiet: values.quiet === true };
  if (typeof values['state-dir'] === 'string') result.stateDir = values['state-dir'];
  if (typeof values['cache-dir'] === 'string') result.cacheDir = values['cache-dir'];
  return result;
}

const RUN_OPTIONS = {
  ...COMMON,
  image: { type: 'string' },
  arch: { type: 'string' },
  network: { type: 'string' },
  mount: { type: 'string', multiple: true },
  env: { type: 'string', multiple: true },
  cwd: { type: 'string' },
  timeout: { type: 'string' },
} as const satisfies ParseArgsConfig['options'];

/**
 * Splits `run`'s arguments into metalor's options and the command: the command starts
 * after `--` or at the first positional, and is passed on untouched (`ls -la` stays `ls -la`).
 */
function splitCommand(args: readonly string[]): { head: string[]; argv: string[] } {
  const { tokens } = parseArgs({ args: [...args], options: RUN_OPTIONS, strict: false, allowPositionals: true, tokens: true });
  const first = tokens.find((t) => t.kind === 'option-terminator' || t.kind === 'positional');
  if (first === undefined) return { head: [...args], argv: [] };
  return {
    head: args.slice(0, first.index),
    argv: args.slice(first.kind === 'positional' ? first.index : first.index + 1),
  };
}

function parseRun(args: readonly string[], context: ParseContext): CliCommand {
  const { head, argv } = splitCommand(args);
  const { values } = parseStrict(head, RUN_OPTIONS, RUN_USAGE);
  if (values.help) return { kind: 'help', text: RUN_USAGE };
  if (values.image === undefined || values.image === '') {
    throw usageError('missing --image REF: the image to run in', RUN_USAGE);
  }
  const command: Extract<CliCommand, { kind: 'run' }> = {
    kind: 'run',
    image: values.image,
    network: parseNetwork(values.network),
    mounts: (values.mount ?? []).map((m) => parseMount(m, context.cwd)),
    env: (values.env ?? []).map((e) => parseEnv(e, context.env)),
    argv,
    common: common(values),
  };
  if (values.arch !== undefined) command.arch = nonEmpty(values.arch, '--arch', RUN_USAGE);
  if (values.cwd !== undefined) command.cwd = cellPath(values.cwd, '--cwd');
  if (values.timeout !== undefined) command.timeoutMs = parseTimeout(values.timeout, RUN_USAGE);
  return command;
}

function parseCell(args: readonly string[], context: ParseContext): CliCommand {
  const { values, positionals } = parseStrict(args, { ...COMMON, timeout: { type: 'string' } }, CELL_USAGE);
  if (values.help) return { kind: 'help', text: CELL_USAGE };
  if (positionals.length !== 1 || positionals[0] === '') {
    throw usageError(`expected exactly one REQUEST.json, got ${positionals.length === 0 ? 'none' : JSON.stringify(positionals)}`, CELL_USAGE);
  }
  const command: Extract<CliCommand, { kind: 'cell' }> = {
    kind: 'cell',
    requestPath: path.resolve(context.cwd, positionals[0]!),
    common: common(values),
  };
  if (values.timeout !== undefined) command.timeoutMs = parseTimeout(values.timeout, CELL_USAGE);
  return command;
}

function parseProbe(args: readonly string[]): CliCommand {
  const { values, positionals } = parseStrict(args, { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } }, PROBE_USAGE);
  if (values.help) return { kind: 'help', text: PROBE_USAGE };
  if (positionals.length > 0) throw usageError(`unexpected argument ${JSON.stringify(positionals[0])}`, PROBE_USAGE);
  return { kind: 'probe', json: values.json === true };
}

function nonEmpty(value: string, flag: string, usage: string): string {
  if (value === '') throw usageError(`${flag} needs a value`, usage);
  return value;
}

function parseNetwork(value: string | undefined): 'enabled' | 'disabled' {
  if (value === undefined || value === 'on') return 'enabled';
  if (value === 'off') return 'disabled';
  throw usageError(`invalid --network ${JSON.stringify(value)}: expected on or off`, RUN_USAGE);
}

function cellPath(value: string, flag: string): string {
  if (!value.startsWith('/')) throw usageError(`invalid ${flag} ${JSON.stringify(value)}: expected an absolute cell path`, RUN_USAGE);
  return value;
}

/** `SRC:DST[:ro|rw]`; a relative SRC is taken from the caller's cwd, as users expect of `-v .:/src`. */
function parseMount(value: string, cwd: string): CliMount {
  const parts = value.split(':');
  let mode: string | undefined;
  if (parts.length === 3) mode = parts.pop();
  if (parts.length !== 2 || parts[0] === '' || parts[1] === '' || (mode !== undefined && mode !== 'ro' && mode !== 'rw')) {
    throw usageError(`invalid --mount ${JSON.stringify(value)}: expected SRC:DST or SRC:DST:ro (or :rw)`, RUN_USAGE);
  }
  return { source: path.resolve(cwd, parts[0]!), destination: cellPath(parts[1]!, '--mount destination'), readOnly: mode === 'ro' };
}

/** `K=V`, or `K` alone to copy K from this process's environment (an error when unset). */
function parseEnv(value: string, env: NodeJS.ProcessEnv): [string, string] {
  const eq = value.indexOf('=');
  const key = eq === -1 ? value : value.slice(0, eq);
  if (!/^[^=\0]+$/.test(key) || value.includes('\0')) {
    throw usageError(`invalid --env ${JSON.stringify(value)}: expected KEY=VALUE with a non-empty KEY`, RUN_USAGE);
  }
  if (eq !== -1) return [key, value.slice(eq + 1)];
  const inherited = env[key];
  if (inherited === undefined) throw usageError(`--env ${key}: ${key} is not set in this environment (use ${key}=VALUE)`, RUN_USAGE);
  return [key, inherited];
}

function parseTimeout(value: string, usage: string): number {
  const seconds = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value) || !(seconds > 0) || !Number.isFinite(seconds)) {
    throw usageError(`invalid --timeout ${JSON.stringify(value)}: expected a positive number of seconds`, usage);
  }
  return Math.round(seconds * 1000);
}
