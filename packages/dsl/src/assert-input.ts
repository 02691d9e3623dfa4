import { DslError, DslErrorCodes } from './errors.js';

/** Describes a value for an error message without dumping huge inputs. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value;
}

const QUOTE_LIMIT = 60;

/** JSON-quotes `value` for a message, cut short (with `…`) so a huge input does not flood it. */
export function quote(value: string): string {
  return value.length <= QUOTE_LIMIT ? JSON.stringify(value) : `${JSON.stringify(value.slice(0, QUOTE_LIMIT))}…`;
}

/** JS callers can pass anything; fail with a DslError rather than a TypeError deep inside. */
export function assertString(value: unknown, name: string): asserts value is string {
  if (typeof value !== 'string') {
    throw new DslError(
      DslErrorCodes.invalidArgument,
      `${name} must be a string, got ${describeValue(value)}`,
    );
  }
}
