import { describeValue } from './assert-input.js';
import { DslError, DslErrorCodes } from './errors.js';

/** Variables for interpolation: a Map or a plain record of name to value. */
export type Variables = ReadonlyMap<string, string> | Readonly<Record<string, string>>;

/**
 * Uniform read access to either shape; records only answer for their own keys.
 * A class rather than per-call closures: this is built once per interpolation,
 * which sits on the hot path.
 */
export class VariableLookup {
  private constructor(
    private readonly map: ReadonlyMap<string, unknown> | undefined,
    private readonly record: Readonly<Record<string, unknown>>,
    private readonly kind: string,
  ) {}

  /** Checks the shape of `variables` once, so lookups need not. */
  static from(variables: unknown, kind: string): VariableLookup {
    if (variables instanceof Map) return new VariableLookup(variables, {}, kind);
    if (typeof variables === 'object' && variables !== null && !Array.isArray(variables)) {
      return new VariableLookup(undefined, variables as Record<string, unknown>, kind);
    }
    throw new DslError(
      DslErrorCodes.invalidArgument,
      `variables must be a Map or a plain object of strings, got ${describeValue(variables)}`,
    );
  }

  has(name: string): boolean {
    return this.map ? this.map.has(name) : Object.hasOwn(this.record, name);
  }

  get(name: string): string | undefined {
    const value = this.map ? this.map.get(name) : Object.hasOwn(this.record, name) ? this.record[name] : undefined;
    if (value === undefined || typeof value === 'string') return value;
    throw new DslError(
      DslErrorCodes.invalidArgument,
      `${this.kind} ${name} must have a string value, got ${describeValue(value)}`,
    );
  }
}
