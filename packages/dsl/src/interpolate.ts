import { assertString, describeValue } from './assert-input.js';
import { DslError, DslErrorCodes } from './errors.js';
import { validIdentifier } from './identifier.js';
import { VariableLookup, type Variables } from './variables.js';

/** Opt-in extensions to `${NAME}` interpolation; all off by default. */
export interface InterpolationOptions {
  /** Read `$$` as one literal `$` (so `$${NAME}` yields the text `${NAME}`). */
  escapeDollar?: boolean;
  /**
   * Accept `${NAME:-default}` (NAME's value, or `default` when NAME is unset or empty)
   * and `${NAME:+alternate}` (`alternate` when NAME is set and non-empty, else empty).
   * The word after `:-`/`:+` is itself interpolated and may nest `${...}`.
   */
  modifiers?: boolean;
}

interface Context {
  readonly value: string;
  readonly lookup: VariableLookup;
  readonly kind: string;
  readonly escapeDollar: boolean;
  readonly modifiers: boolean;
}

const DOLLAR = 0x24;
const OPEN_BRACE = 0x7b;

/**
 * Replaces each `${NAME}` in `value` with its value from `variables` (a Map or a
 * plain record; only own keys of a record count). A `$` not followed by `{` is
 * literal. A NAME that is not an identifier is accepted only when `variables`
 * has it. Non-ASCII text passes through unchanged. `variableKind` (e.g. `ARG`)
 * names the variables in error messages.
 *
 * @throws {DslError} with `column` (1-based, of the `$` in `value`):
 *   `ERR_METALOR_DSL_UNTERMINATED_EXPANSION` "unterminated ${NAME} expansion";
 *   `ERR_METALOR_DSL_INVALID_REFERENCE` "invalid <kind> reference NAME";
 *   `ERR_METALOR_DSL_UNDEFINED_VARIABLE` "undefined <kind> NAME";
 *   `ERR_METALOR_DSL_INVALID_ARGUMENT` when an argument or option has the wrong type.
 */
export function interpolateBracedVariables(
  value: string,
  variables: Variables,
  variableKind: string,
  options?: InterpolationOptions,
): string {
  assertString(value, 'value');
  assertString(variableKind, 'variableKind');
  const lookup = VariableLookup.from(variables, variableKind);
  const { escapeDollar, modifiers } = normalizeOptions(options);
  if (!escapeDollar && !modifiers) return interpolatePlain(value, lookup, variableKind);
  return interpolateRange({ value, lookup, kind: variableKind, escapeDollar, modifiers }, 0, value.length);
}

/** The crate's semantics, and the hot path: only `${` matters, so search for exactly that. */
function interpolatePlain(value: string, lookup: VariableLookup, kind: string): string {
  let dollar = value.indexOf('${');
  if (dollar === -1) return value;
  let output = '';
  let copied = 0;
  do {
    const close = value.indexOf('}', dollar + 2);
    if (close === -1) throw unterminated(dollar);
    output += value.slice(copied, dollar) + resolve(lookup, kind, value.slice(dollar + 2, close), dollar);
    copied = close + 1;
    dollar = value.indexOf('${', copied);
  } while (dollar !== -1);
  return output + value.slice(copied);
}

/** Shared rather than rebuilt per call: interpolation without options is the hot path. */
const DEFAULT_OPTIONS: Readonly<Required<InterpolationOptions>> = Object.freeze({ escapeDollar: false, modifiers: false });

function normalizeOptions(options: unknown): Readonly<Required<InterpolationOptions>> {
  if (options === undefined) return DEFAULT_OPTIONS;
  if (typeof options !== 'object' || options === null) {
    throw new DslError(DslErrorCodes.invalidArgument, `options must be an object, got ${describeValue(options)}`);
  }
  const { escapeDollar = false, modifiers = false } = options as Record<string, unknown>;
  for (const [name, flag] of [['escapeDollar', escapeDollar], ['modifiers', modifiers]] as const) {
    if (typeof flag !== 'boolean') {
      throw new DslError(DslErrorCodes.invalidArgument, `options.${name} must be a boolean, got ${describeValue(flag)}`);
    }
  }
  return { escapeDollar: escapeDollar as boolean, modifiers: modifiers as boolean };
}

/** Interpolates `value[from, to)`; ranges (not slices) keep error columns absolute. */
function interpolateRange(context: Context, from: number, to: number): string {
  const { value } = context;
  let dollar = value.indexOf('$', from);
  if (dollar === -1 || dollar >= to) return from === 0 && to === value.length ? value : value.slice(from, to);
  let output = '';
  let copied = from;
  while (dollar !== -1 && dollar < to) {
    const next = dollar + 1 < to ? value.charCodeAt(dollar + 1) : -1;
    if (next === OPEN_BRACE) {
      const expansion = expand(context, dollar, to);
      output += value.slice(copied, dollar) + expansion.text;
      copied = expansion.end;
    } else if (next === DOLLAR && context.escapeDollar) {
      output += value.slice(copied, dollar + 1);
      copied = dollar + 2;
    } else {
      dollar = value.indexOf('$', dollar + 1);
      continue;
    }
    dollar = value.indexOf('$', copied);
  }
  return output + value.slice(copied, to);
}

/** Expands the `${...}` starting at `dollar`; `end` is the index just past its `}`. */
function expand(context: Context, dollar: number, to: number): { text: string; end: number } {
  const { value } = context;
  const nameStart = dollar + 2;
  const close = value.indexOf('}', nameStart);
  if (close === -1 || close >= to) throw unterminated(dollar);
  if (context.modifiers) {
    const modifier = findModifier(value, nameStart, close);
    if (modifier !== -1) return expandModifier(context, dollar, modifier, to);
  }
  const name = value.slice(nameStart, close);
  return { text: resolve(context.lookup, context.kind, name, dollar), end: close + 1 };
}

/** Index of the first `:-` or `:+` in [from, to), or -1. */
function findModifier(value: string, from: number, to: number): number {
  for (let colon = value.indexOf(':', from); colon !== -1 && colon + 1 < to; colon = value.indexOf(':', colon + 1)) {
    const sign = value.charCodeAt(colon + 1);
    if (sign === 0x2d || sign === 0x2b) return colon;
  }
  return -1;
}

function expandModifier(context: Context, dollar: number, colon: number, to: number) {
  const { value, lookup } = context;
  const name = value.slice(dollar + 2, colon);
  if (!lookup.has(name) && !validIdentifier(name)) throw invalidReference(context.kind, name, dollar);
  const wordStart = colon + 2;
  const close = findMatchingBrace(value, wordStart, to);
  if (close === -1) throw unterminated(dollar);
  const current = lookup.get(name);
  const isSet = current !== undefined && current !== '';
  const useWord = value.charCodeAt(colon + 1) === 0x2d ? !isSet : isSet;
  const text = useWord ? interpolateRange(context, wordStart, close) : value.charCodeAt(colon + 1) === 0x2d ? (current as string) : '';
  return { text, end: close + 1 };
}

/** The `}` closing a `${` whose body starts at `from`, counting nested `${`; -1 if none before `to`. */
function findMatchingBrace(value: string, from: number, to: number): number {
  let depth = 1;
  for (let index = from; index < to; index++) {
    const code = value.charCodeAt(index);
    if (code === DOLLAR && value.charCodeAt(index + 1) === OPEN_BRACE && index + 1 < to) {
      depth++;
      index++;
    } else if (code === 0x7d && --depth === 0) {
      return index;
    }
  }
  return -1;
}

function resolve(lookup: VariableLookup, kind: string, name: string, dollar: number): string {
  const replacement = lookup.get(name);
  if (replacement !== undefined) return replacement;
  if (!validIdentifier(name)) throw invalidReference(kind, name, dollar);
  throw new DslError(DslErrorCodes.undefinedVariable, `undefined ${kind} ${name}`, { column: dollar + 1 });
}

function invalidReference(kind: string, name: string, dollar: number): DslError {
  return new DslError(DslErrorCodes.invalidReference, `invalid ${kind} reference ${name}`, {
    column: dollar + 1,
  });
}

function unterminated(dollar: number): DslError {
  return new DslError(DslErrorCodes.unterminatedExpansion, 'unterminated ${NAME} expansion', {
    column: dollar + 1,
  });
}
