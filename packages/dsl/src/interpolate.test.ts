import { describe, expect, it } from 'vitest';
import { DslErrorCodes, interpolateBracedVariables as interpolate } from './index.js';
import { expectDslError } from '../test/expect-dsl-error.js';

const vars = new Map([
  ['CHANNEL', 'stable'],
  ['PROFILE', 'release'],
  ['EMPTY', ''],
]);

describe('interpolateBracedVariables', () => {
  it('replaces ${NAME} from a Map or a record', () => {
    expect(interpolate('mode=${CHANNEL}', vars, 'ARG')).toBe('mode=stable');
    expect(interpolate('mode=${CHANNEL}', { CHANNEL: 'beta' }, 'ARG')).toBe('mode=beta');
  });

  it('replaces several references in one string', () => {
    expect(interpolate('${CHANNEL}/${PROFILE}${CHANNEL}', vars, 'ARG')).toBe('stable/releasestable');
  });

  it('returns text without references unchanged', () => {
    expect(interpolate('plain text', vars, 'ARG')).toBe('plain text');
    expect(interpolate('', vars, 'ARG')).toBe('');
  });

  it('treats a $ not followed by { as literal', () => {
    expect(interpolate('$CHANNEL $ $$ a$', vars, 'ARG')).toBe('$CHANNEL $ $$ a$');
    expect(interpolate('$${CHANNEL}', vars, 'ARG')).toBe('$stable');
    expect(interpolate('{CHANNEL}}', vars, 'ARG')).toBe('{CHANNEL}}');
  });

  it('does not interpolate inside a replacement', () => {
    expect(interpolate('${A}', { A: '${B}', B: 'x' }, 'ARG')).toBe('${B}');
  });

  it('passes non-ASCII text through unchanged (the crate garbles it)', () => {
    expect(interpolate('é ${CHANNEL} 日本 😀', vars, 'ARG')).toBe('é stable 日本 😀');
    expect(interpolate('${N}', { N: 'ünï' }, 'ENV')).toBe('ünï');
  });

  it('accepts a non-identifier name only when it is mapped', () => {
    expect(interpolate('mode=${bad-name}', { 'bad-name': 'mapped' }, 'ARG')).toBe('mode=mapped');
    expect(interpolate('${}', new Map([['', 'empty-name']]), 'ARG')).toBe('empty-name');
  });

  it('uses only own keys of a record, never the prototype', () => {
    expectDslError(() => interpolate('${toString}', {}, 'ARG'), {
      code: DslErrorCodes.undefinedVariable,
      message: 'undefined ARG toString',
      column: 1,
    });
    expectDslError(() => interpolate('${__proto__}', {}, 'ARG'), {
      code: DslErrorCodes.undefinedVariable,
      message: 'undefined ARG __proto__',
    });
  });

  it('reports a missing variable', () => {
    expectDslError(() => interpolate('mode=${CHANNEL}', new Map(), 'ARG'), {
      code: DslErrorCodes.undefinedVariable,
      message: 'undefined ARG CHANNEL',
      column: 6,
    });
  });

  it('reports an unterminated expansion', () => {
    expectDslError(() => interpolate('mode=${CHANNEL', vars, 'ARG'), {
      code: DslErrorCodes.unterminatedExpansion,
      message: 'unterminated ${NAME} expansion',
      column: 6,
    });
    expectDslError(() => interpolate('x ${', vars, 'ARG'), {
      code: DslErrorCodes.unterminatedExpansion,
      message: 'unterminated ${NAME} expansion',
      column: 3,
    });
  });

  it('reports an invalid reference naming the kind and the name', () => {
    expectDslError(() => interpolate('mode=${bad-name}', new Map(), 'ARG'), {
      code: DslErrorCodes.invalidReference,
      message: 'invalid ARG reference bad-name',
      column: 6,
    });
    expectDslError(() => interpolate('${}', {}, 'ENV'), {
      code: DslErrorCodes.invalidReference,
      message: 'invalid ENV reference ',
      column: 1,
    });
  });

  it('reads ${NAME:-x} as a plain (invalid) name unless modifiers are enabled', () => {
    expectDslError(() => interpolate('${CHANNEL:-x}', vars, 'ARG'), {
      code: DslErrorCodes.invalidReference,
      message: 'invalid ARG reference CHANNEL:-x',
    });
  });

  it('rejects arguments of the wrong type with DslError, not TypeError', () => {
    const invalid = (message: string) => ({ code: DslErrorCodes.invalidArgument, message });
    expectDslError(() => interpolate(1 as unknown as string, vars, 'ARG'), invalid('value must be a string, got number'));
    expectDslError(() => interpolate('x', null as unknown as Map<string, string>, 'ARG'), invalid('variables must be a Map or a plain object of strings, got null'));
    expectDslError(() => interpolate('x', [] as unknown as Map<string, string>, 'ARG'), invalid('variables must be a Map or a plain object of strings, got an array'));
    expectDslError(() => interpolate('x', vars, undefined as unknown as string), invalid('variableKind must be a string, got undefined'));
    expectDslError(() => interpolate('${N}', { N: 1 } as unknown as Record<string, string>, 'ARG'), invalid('ARG N must have a string value, got number'));
    expectDslError(() => interpolate('${N}', new Map([['N', {}]]) as unknown as Map<string, string>, 'ENV'), invalid('ENV N must have a string value, got object'));
    expectDslError(() => interpolate('x', vars, 'ARG', 'yes' as never), invalid('options must be an object, got string'));
    expectDslError(() => interpolate('x', vars, 'ARG', { escapeDollar: 1 } as never), invalid('options.escapeDollar must be a boolean, got number'));
    expectDslError(() => interpolate('x', vars, 'ARG', { modifiers: 'on' } as never), invalid('options.modifiers must be a boolean, got string'));
  });
});

describe('interpolateBracedVariables options', () => {
  it('escapeDollar reads $$ as one literal $', () => {
    const options = { escapeDollar: true };
    expect(interpolate('cost $$5 $${CHANNEL} $$${CHANNEL} $$$${CHANNEL}', vars, 'ARG', options)).toBe('cost $5 ${CHANNEL} $stable $${CHANNEL}');
    expect(interpolate('$$', vars, 'ARG', options)).toBe('$');
    expect(interpolate('$$$', vars, 'ARG', options)).toBe('$$');
  });

  it(':- uses the default when the variable is unset or empty', () => {
    const options = { modifiers: true };
    expect(interpolate('${CHANNEL:-dev}', vars, 'ARG', options)).toBe('stable');
    expect(interpolate('${MISSING:-dev}', vars, 'ARG', options)).toBe('dev');
    expect(interpolate('${EMPTY:-dev}', vars, 'ARG', options)).toBe('dev');
    expect(interpolate('${MISSING:-}', vars, 'ARG', options)).toBe('');
  });

  it(':+ uses the alternate only when the variable is set and non-empty', () => {
    const options = { modifiers: true };
    expect(interpolate('[${CHANNEL:+--channel}]', vars, 'ARG', options)).toBe('[--channel]');
    expect(interpolate('[${MISSING:+--channel}]', vars, 'ARG', options)).toBe('[]');
    expect(interpolate('[${EMPTY:+--channel}]', vars, 'ARG', options)).toBe('[]');
  });

  it('interpolates the word, including nested expansions', () => {
    const options = { modifiers: true };
    expect(interpolate('${MISSING:-${PROFILE}-${CHANNEL:-x}}!', vars, 'ARG', options)).toBe('release-stable!');
    expect(interpolate('${CHANNEL:+${PROFILE}}', vars, 'ARG', options)).toBe('release');
    expect(interpolate('${MISSING:-a}${MISSING:+b}', vars, 'ARG', options)).toBe('a');
  });

  it('does not evaluate (or fail on) the word when it is not used', () => {
    expect(interpolate('${CHANNEL:-${UNDEFINED}}', vars, 'ARG', { modifiers: true })).toBe('stable');
  });

  it('reports errors inside the word at their own column', () => {
    expectDslError(() => interpolate('${MISSING:-a${NOPE}}', vars, 'ARG', { modifiers: true }), {
      code: DslErrorCodes.undefinedVariable,
      message: 'undefined ARG NOPE',
      column: 13,
    });
  });

  it('reports an unterminated modifier expansion', () => {
    expectDslError(() => interpolate('${MISSING:-${PROFILE}', vars, 'ARG', { modifiers: true }), {
      code: DslErrorCodes.unterminatedExpansion,
      message: 'unterminated ${NAME} expansion',
      column: 1,
    });
  });

  it('reports an invalid name before a modifier', () => {
    expectDslError(() => interpolate('x${bad-name:-d}', vars, 'ARG', { modifiers: true }), {
      code: DslErrorCodes.invalidReference,
      message: 'invalid ARG reference bad-name',
      column: 2,
    });
  });

  it('accepts a mapped non-identifier name before a modifier', () => {
    expect(interpolate('${a.b:-d}', { 'a.b': 'v' }, 'ARG', { modifiers: true })).toBe('v');
  });

  it('leaves other colon forms as names', () => {
    expect(interpolate('${a:b}', { 'a:b': 'v' }, 'ARG', { modifiers: true })).toBe('v');
  });
});
