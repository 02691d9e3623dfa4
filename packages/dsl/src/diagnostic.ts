import { assertString, describeValue } from './assert-input.js';
import { DslError, DslErrorCodes } from './errors.js';
import { contentStart } from './whitespace.js';

/** Longest stretch of a line shown; longer lines are cut around the column. */
const SNIPPET_WIDTH = 120;

/**
 * Renders `error` for a human: a `CODE: message` header and, when the error
 * carries a `line` inside `source`, that line with a `^` under `column`
 * (tabs before the column are kept so the caret lines up). Lines longer than
 * 120 characters are shown as a window around the column, marked with `…`.
 *
 * @throws {DslError} `ERR_METALOR_DSL_INVALID_ARGUMENT` when `source` is not a string or
 *   `error` is not a `DslError`.
 */
export function formatDiagnostic(source: string, error: DslError): string {
  assertString(source, 'source');
  if (!(error instanceof DslError)) {
    throw new DslError(DslErrorCodes.invalidArgument, `error must be a DslError, got ${describeValue(error)}`);
  }
  const header = `${error.code}: ${error.message}`;
  if (error.line === undefined) return header;
  const location = error.column === undefined ? `line ${error.line}` : `line ${error.line}, column ${error.column}`;
  const text = lineAt(source, error.line);
  if (text === undefined) return `${header}\n --> ${location}`;
  const gutter = String(error.line);
  const blank = ' '.repeat(gutter.length);
  const { shown, caretAt } = window(text, error.column);
  const lines = [header, `${blank}--> ${location}`, `${blank} |`, `${gutter} | ${shown}`];
  if (caretAt !== undefined) lines.push(`${blank} | ${shown.slice(0, caretAt).replace(/[^\t]/g, ' ')}^`);
  return lines.join('\n');
}

/** The physical line `number` (1-based) without its line ending, or undefined past the end. */
function lineAt(source: string, number: number): string | undefined {
  if (!Number.isInteger(number) || number < 1) return undefined;
  let start = contentStart(source);
  for (let current = 1; current < number; current++) {
    const newline = source.indexOf('\n', start);
    if (newline === -1) return undefined;
    start = newline + 1;
  }
  if (start > source.length || (start === source.length && number > 1 && source.endsWith('\n'))) return undefined;
  let end = source.indexOf('\n', start);
  if (end === -1) end = source.length;
  if (source.charCodeAt(end - 1) === 0x0d && end > start) end--;
  return source.slice(start, end);
}

function window(text: string, column: number | undefined): { shown: string; caretAt: number | undefined } {
  const index = column !== undefined && Number.isInteger(column) && column >= 1 ? Math.min(column - 1, text.length) : undefined;
  if (text.length <= SNIPPET_WIDTH) return { shown: text, caretAt: index };
  const from = Math.max(0, Math.min((index ?? 0) - SNIPPET_WIDTH / 2, text.length - SNIPPET_WIDTH));
  const prefix = from > 0 ? '…' : '';
  const suffix = from + SNIPPET_WIDTH < text.length ? '…' : '';
  const shown = prefix + text.slice(from, from + SNIPPET_WIDTH) + suffix;
  return { shown, caretAt: index === undefined ? undefined : index - from + prefix.length };
}
