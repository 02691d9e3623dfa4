import { describe, expect, it } from 'vitest';
import {
  type CommandForm,
  DslError,
  DslErrorCodes,
  formatDiagnostic,
  interpolateBracedVariables,
  logicalLines,
  parseCommandForm,
  splitInstruction,
  validIdentifier,
} from '../src/index.js';
import { catchDslError } from './expect-dsl-error.js';

type Step = { keyword: string; line: number } & ({ command: CommandForm } | { value: string });

/**
 * A tiny build-file reader made only of this package's primitives, the way a
 * consumer would combine them: ARG defines variables, RUN/CMD take a command
 * form, everything else takes interpolated text. Errors are placed in the source.
 */
function readBuildFile(source: string): Step[] {
  const variables = new Map<string, string>();
  const steps: Step[] = [];
  for (const { text, firstLine, column } of logicalLines(source)) {
    try {
      const { keyword, rest } = splitInstruction(text);
      const restColumn = text.length - rest.length + 1;
      const expanded = () => withColumn(() => interpolateBracedVariables(rest, variables, keyword, { modifiers: true }), restColumn);
      if (keyword === 'ARG') {
        const [name = '', value = ''] = rest.split('=', 2);
        if (!validIdentifier(name)) throw new DslError('ERR_METALOR_DSL_EXAMPLE', `expected ARG NAME=value, got ${rest}`);
        variables.set(name, value);
      } else if (keyword === 'RUN' || keyword === 'CMD') {
        const command = withColumn(() => parseCommandForm(rest), restColumn);
        const form: CommandForm =
          command.form === 'exec'
            ? { form: 'exec', argv: command.argv.map((argument) => interpolateBracedVariables(argument, variables, 'ARG')) }
            : { form: 'shell', command: expanded() };
        steps.push({ keyword, line: firstLine, command: form });
      } else {
        steps.push({ keyword, line: firstLine, value: expanded() });
      }
    } catch (error) {
      throw error instanceof DslError ? error.withLocation(firstLine, column) : error;
    }
  }
  return steps;
}

/** Re-bases a column relative to `rest` onto the logical line's text. */
function withColumn<T>(action: () => T, restColumn: number): T {
  try {
    return action();
  } catch (error) {
    if (error instanceof DslError && error.column !== undefined) {
      throw new DslError(error.code, error.message, { column: restColumn + error.column - 1, cause: error.cause });
    }
    throw error;
  }
}

const BUILD_FILE = [
  '# syntax=metalor/v1',
  'ARG BASE=busybox',
  'ARG CHANNEL=stable',
  '',
  'FROM ${BASE}:latest',
  '  WORKDIR /src\t',
  'RUN ["sh", "-c", "echo \\"building ${CHANNEL}\\""]',
  'RUN apk add --no-cache \\',
  '      curl \\',
  '      # comments inside a continuation are dropped',
  '',
  '      git',
  '\tLABEL channel=${CHANNEL} debug=${DEBUG:-off}',
  'CMD ["/bin/app", "--channel=${CHANNEL}"]',
].join('\n');

const EXPECTED: Step[] = [
  { keyword: 'FROM', line: 5, value: 'busybox:latest' },
  { keyword: 'WORKDIR', line: 6, value: '/src' },
  { keyword: 'RUN', line: 7, command: { form: 'exec', argv: ['sh', '-c', 'echo "building stable"'] } },
  { keyword: 'RUN', line: 8, command: { form: 'shell', command: 'apk add --no-cache curl git' } },
  { keyword: 'LABEL', line: 13, value: 'channel=stable debug=off' },
  { keyword: 'CMD', line: 14, command: { form: 'exec', argv: ['/bin/app', '--channel=stable'] } },
];

describe('a realistic build file, end to end', () => {
  it('reads every instruction', () => {
    expect(readBuildFile(BUILD_FILE)).toEqual(EXPECTED);
  });

  it('reads the same file with CRLF endings, a BOM and no final newline', () => {
    expect(readBuildFile(`\uFEFF${BUILD_FILE.replaceAll('\n', '\r\n')}`)).toEqual(EXPECTED);
    expect(readBuildFile(`${BUILD_FILE}\n`)).toEqual(EXPECTED);
  });

  it('points a diagnostic at a broken exec array in the source', () => {
    const source = 'FROM x\n\n    RUN ["make", all]\n';
    const error = catchDslError(() => readBuildFile(source));
    expect(error.code).toBe(DslErrorCodes.execArrayInvalid);
    expect(formatDiagnostic(source, error)).toBe(
      [
        'ERR_METALOR_DSL_EXEC_ARRAY_INVALID: invalid exec-form array',
        ' --> line 3, column 18',
        '  |',
        '3 |     RUN ["make", all]',
        '  |                  ^',
      ].join('\n'),
    );
  });

  it('points a diagnostic at an undefined variable', () => {
    const source = 'ARG A=1\n\tWORKDIR /${A}/${B}\n';
    const error = catchDslError(() => readBuildFile(source));
    expect([error.code, error.message]).toEqual([DslErrorCodes.undefinedVariable, 'undefined WORKDIR B']);
    expect(formatDiagnostic(source, error).split('\n').slice(1)).toEqual([
      ' --> line 2, column 16',
      '  |',
      '2 | \tWORKDIR /${A}/${B}',
      '  | \t              ^',
    ]);
  });
});
