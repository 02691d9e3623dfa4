import { describe, expect, it } from 'vitest';
import { DslErrorCodes, parseCommandForm, splitInstruction } from './index.js';
import { expectDslError } from '../test/expect-dsl-error.js';

describe('splitInstruction', () => {
  it('splits the keyword from the trimmed rest, keeping case', () => {
    expect(splitInstruction('RUN make all')).toEqual({ keyword: 'RUN', rest: 'make all' });
    expect(splitInstruction('  run\t\t["a"]  ')).toEqual({ keyword: 'run', rest: '["a"]' });
    expect(splitInstruction('USER')).toEqual({ keyword: 'USER', rest: '' });
    expect(splitInstruction('ÉTAPE un  deux')).toEqual({ keyword: 'ÉTAPE', rest: 'un  deux' });
  });

  it('rejects an empty instruction', () => {
    for (const text of ['', '  \t ']) {
      expectDslError(() => splitInstruction(text), {
        code: DslErrorCodes.emptyInstruction,
        message: `expected an instruction "KEYWORD arguments", got ${JSON.stringify(text)}`,
        column: 1,
      });
    }
  });

  it('cuts a huge offending value short in the message', () => {
    expectDslError(() => splitInstruction(' '.repeat(1_000_000)), {
      code: DslErrorCodes.emptyInstruction,
      message: `expected an instruction "KEYWORD arguments", got "${' '.repeat(60)}"…`,
    });
  });

  it('rejects a non-string', () => {
    expectDslError(() => splitInstruction({} as never), {
      code: DslErrorCodes.invalidArgument,
      message: 'text must be a string, got object',
    });
  });
});

describe('parseCommandForm', () => {
  it('reads an exec form', () => {
    expect(parseCommandForm(' ["sh", "-c", "echo hi"] ')).toEqual({ form: 'exec', argv: ['sh', '-c', 'echo hi'] });
  });

  it('reads a shell form, trimmed', () => {
    expect(parseCommandForm('  make -j4 all \t')).toEqual({ form: 'shell', command: 'make -j4 all' });
    expect(parseCommandForm('echo [x]')).toEqual({ form: 'shell', command: 'echo [x]' });
  });

  it('does not fall back to the shell form for a broken exec form', () => {
    expectDslError(() => parseCommandForm('["sh", -c]'), {
      code: DslErrorCodes.execArrayInvalid,
      message: 'invalid exec-form array',
      column: 8,
    });
    expectDslError(() => parseCommandForm('[]'), {
      code: DslErrorCodes.execArrayEmpty,
      message: 'exec-form arrays must not be empty',
    });
  });

  it('rejects an empty command', () => {
    expectDslError(() => parseCommandForm(' '), {
      code: DslErrorCodes.emptyCommand,
      message: 'expected a command (shell text or an exec-form array), got " "',
      column: 1,
    });
  });

  it('rejects a non-string', () => {
    expectDslError(() => parseCommandForm(undefined as never), {
      code: DslErrorCodes.invalidArgument,
      message: 'rest must be a string, got undefined',
    });
  });
});
