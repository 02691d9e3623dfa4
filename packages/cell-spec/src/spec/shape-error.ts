import type { z } from 'zod';
import { CellSpecError, type CellSpecErrorCode } from '../errors.js';
import { describeValue, formatPath } from './describe.js';

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let current: unknown = root;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

function describeIssue(issue: z.core.$ZodIssue, input: unknown): string {
  const got = describeValue(input);
  switch (issue.code) {
    case 'invalid_type':
      return input === undefined ? `is required (expected ${issue.expected})` : `expected ${issue.expected}, got ${got}`;
    case 'invalid_value':
      return `expected one of ${issue.values.map((value) => describeValue(value)).join(', ')}, got ${got}`;
    case 'too_small':
    case 'too_big':
    case 'invalid_format':
    case 'not_multiple_of':
    case 'custom':
      return `${issue.message}, got ${got}`;
    default:
      return `${issue.message}, got ${got}`;
  }
}

/**
 * Turns the first zod issue into a {@link CellSpecError} naming the path, what was
 * expected and the value found. A custom issue may carry its own code in `params.code`.
 */
export function shapeError(
  error: z.ZodError,
  data: unknown,
  root: string,
  fallbackCode: CellSpecErrorCode,
): CellSpecError {
  const issue = error.issues[0];
  if (!issue) return new CellSpecError(fallbackCode, `${root}: invalid value`);
  const path = issue.path as PropertyKey[];
  const input = valueAt(data, path);
  const params = issue.code === 'custom' ? (issue.params as { code?: CellSpecErrorCode } | undefined) : undefined;
  return new CellSpecError(params?.code ?? fallbackCode, `${formatPath(root, path)}: ${describeIssue(issue, input)}`, {
    cause: error,
  });
}
