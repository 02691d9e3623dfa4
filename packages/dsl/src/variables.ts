import { describeValue } from './assert-input.js';
import { DslError, DslErrorCodes } from './errors.js';

/** Variables for interpolation: a Map or a plain record of name to value. */
export type Variables = ReadonlyMap<string, string> | Readonly<Record<string, string>>;

/** Uniform read access to either shape; records only answer for their own keys. */
export interface VariableLookup {
  has(name: string): boolean;
  get(name: string): string | undefined;
}

/** Wraps `variables` once per call so the hot loop does not re-check its shape. */
export function createLookup(variables: unknown, variableKind: string): VariableLookup {
  if (variables instanceof Map) {
    return { has: (name) => variables.has(name), get: (name) => checkValue(variables.get(name), name, variableKind) };
  }
  if (typeof variables === 'object' && variables !== null && !Array.isArray(variables)) {
    const record = variables as Record<string, unknown>;
    return {
      has: (name) => Object.hasOwn(record, name),
      get: (name) => (Object.hasOwn(record, name) ? checkValue(record[name], name, variableKind) : undefined),
    };
  }
  throw new DslError(
    DslErrorCodes.invalidArgument,
    `variables must be a Map or a plain object of strings, got ${describeValue(variables)}`,
  );
}

function checkValue(value: unknown, name: string, variableKind: string): string | undefined {
  if (value === undefined || typeof value === 'string') return value;
  throw new DslError(
    DslErrorCodes.invalidArgument,
    `${variableKind} ${name} must have a string value, got ${describeValue(value)}`,
  );
}
