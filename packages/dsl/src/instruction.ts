import { assertString, quote } from './assert-input.js';
import { DslError, DslErrorCodes, type DslErrorCode } from './errors.js';
import { parseExecArray } from './exec-array.js';
import { isTrimmable, skipTrimmable, trimEndIndex } from './whitespace.js';

/** A `KEYWORD arguments` line cut in two. */
export interface Instruction {
  /** The first whitespace-delimited word, exactly as written (case is kept). */
  keyword: string;
  /** Everything after the keyword, trimmed; empty when there are no arguments. */
  rest: string;
}

/** A command as written after `RUN`, `CMD` or `ENTRYPOINT`. */
export type CommandForm =
  | {
      /** Exec form: `["program", "arg", ...]`. */
      form: 'exec';
      /** The program and its arguments, run without a shell. */
      argv: string[];
    }
  | {
      /** Shell form: text for a shell to run. */
      form: 'shell';
      /** The command text, trimmed. */
      command: string;
    };

/**
 * Splits `text` into its keyword (the first whitespace-delimited word) and the
 * trimmed rest, e.g. `RUN make all` to `{ keyword: 'RUN', rest: 'make all' }`.
 *
 * @throws {DslError} `ERR_METALOR_DSL_EMPTY_INSTRUCTION` when `text` is empty or only whitespace;
 *   `ERR_METALOR_DSL_INVALID_ARGUMENT` when `text` is not a string.
 */
export function splitInstruction(text: string): Instruction {
  const [start, end] = requireContent(text, 'text', DslErrorCodes.emptyInstruction, 'an instruction "KEYWORD arguments"');
  let keywordEnd = start;
  while (keywordEnd < end && !isTrimmable(text.charCodeAt(keywordEnd))) keywordEnd++;
  return { keyword: text.slice(start, keywordEnd), rest: text.slice(skipTrimmable(text, keywordEnd, end), end) };
}

/**
 * Reads the arguments of a command instruction: text starting with `[` is the
 * exec form and must be a valid exec-form array (no silent fallback to the
 * shell form, unlike Docker); anything else is the shell form, trimmed.
 *
 * @throws {DslError} every error of `parseExecArray` for an exec form;
 *   `ERR_METALOR_DSL_EMPTY_COMMAND` when `rest` is empty or only whitespace;
 *   `ERR_METALOR_DSL_INVALID_ARGUMENT` when `rest` is not a string.
 */
export function parseCommandForm(rest: string): CommandForm {
  const [start, end] = requireContent(rest, 'rest', DslErrorCodes.emptyCommand, 'a command (shell text or an exec-form array)');
  if (rest.charCodeAt(start) === 0x5b) return { form: 'exec', argv: parseExecArray(rest) };
  return { form: 'shell', command: rest.slice(start, end) };
}

/** The bounds of `value` without surrounding whitespace; nothing left is a `code` error. */
function requireContent(value: string, name: string, code: DslErrorCode, expected: string): [number, number] {
  assertString(value, name);
  const end = trimEndIndex(value, 0, value.length);
  const start = skipTrimmable(value, 0, end);
  if (start === end) throw new DslError(code, `expected ${expected}, got ${quote(value)}`, { column: 1 });
  return [start, end];
}
