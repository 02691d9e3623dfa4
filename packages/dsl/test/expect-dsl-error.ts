import { expect } from 'vitest';
import { DslError } from '../src/index.js';

/** Runs `action`, expecting a DslError with exactly this code and message (and column when given). */
export function expectDslError(
  action: () => unknown,
  expected: { code: string; message: string; column?: number; line?: number },
): DslError {
  const error = catchDslError(action);
  expect({ code: error.code, message: error.message }).toEqual({ code: expected.code, message: expected.message });
  if (expected.column !== undefined) expect(error.column).toBe(expected.column);
  if (expected.line !== undefined) expect(error.line).toBe(expected.line);
  return error;
}

/** Runs `action`, expecting it to throw a DslError, and returns that error. */
export function catchDslError(action: () => unknown): DslError {
  let caught: unknown;
  try {
    action();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(DslError);
  return caught as DslError;
}
