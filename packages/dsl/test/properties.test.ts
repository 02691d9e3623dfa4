import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DslError,
  formatDiagnostic,
  interpolateBracedVariables,
  logicalLines,
  parseCommandForm,
  parseExecArray,
  significantLines,
  splitInstruction,
  validIdentifier,
} from '../src/index.js';

/** At least 10,000 generated inputs per function, as the issue requires. */
const RUNS = { numRuns: 10_000 };

/** Runs `action`; anything thrown must be a DslError. */
function onlyDslError<T>(action: () => T): T | DslError {
  try {
    return action();
  } catch (error) {
    if (error instanceof DslError) return error;
    throw error;
  }
}

/** Strings built from the characters these parsers care about, mixed with arbitrary Unicode. */
function dslText(characters: string[], maxLength = 60) {
  return fc.oneof(
    { weight: 3, arbitrary: fc.string({ unit: fc.constantFrom(...characters), maxLength }) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength }) },
    { weight: 1, arbitrary: fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)), maxLength }) },
  );
}

const LINE_CHARS = ['\n', '\r\n', '\r', '#', ' ', '\t', '\uFEFF', '\u00a0', '\u2028', 'a', 'RUN', 'é', '\\', '😀'];
const ARRAY_CHARS = ['[', ']', '"', '\\', ',', ' ', '\n', 'a', 'u', 'd', '8', '0', 'c', 'n', '1', '\t', 'é', '\u00a0'];
const DOLLAR_CHARS = ['$', '{', '}', ':', '-', '+', 'A', 'B', '_', '1', 'é', ' ', '😀', '-x'];

/** The obvious, allocating implementation that significantLines must agree with. */
function naiveSignificantLines(source: string) {
  return source
    .replace(/^\uFEFF/, '')
    .split('\n')
    .map((raw, index) => ({ number: index + 1, text: raw.trim() }))
    .filter(({ text }) => text !== '' && !text.startsWith('#'));
}

/** A direct transcription of the crate's default algorithm, used as the oracle. */
function naiveInterpolate(value: string, variables: Map<string, string>, kind: string): string {
  let output = '';
  let index = 0;
  while (index < value.length) {
    if (value[index] === '$' && value[index + 1] === '{') {
      const rest = value.slice(index + 2);
      const end = rest.indexOf('}');
      if (end === -1) throw new Error('unterminated ${NAME} expansion');
      const name = rest.slice(0, end);
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name) && !variables.has(name)) throw new Error(`invalid ${kind} reference ${name}`);
      if (!variables.has(name)) throw new Error(`undefined ${kind} ${name}`);
      output += variables.get(name);
      index += end + 3;
    } else {
      output += value[index];
      index += 1;
    }
  }
  return output;
}

describe('property: significantLines', () => {
  it('never loses, reorders or alters a significant line (vs. a naive split)', () => {
    fc.assert(
      fc.property(dslText(LINE_CHARS, 120), (source) => {
        expect([...significantLines(source)]).toEqual(naiveSignificantLines(source));
      }),
      RUNS,
    );
  });
});

describe('property: logicalLines', () => {
  it('throws nothing, yields non-empty trimmed text in order, and equals significantLines without continuations', () => {
    fc.assert(
      fc.property(dslText(LINE_CHARS, 120), (source) => {
        const lines = [...logicalLines(source)];
        let previous = 0;
        for (const line of lines) {
          expect(line.text).not.toBe('');
          expect(line.text).toBe(line.text.trim());
          expect(line.firstLine).toBeGreaterThan(previous);
          expect(line.lastLine).toBeGreaterThanOrEqual(line.firstLine);
          previous = line.lastLine;
        }
        const significant = [...significantLines(source)];
        if (!significant.some(({ text }) => text.endsWith('\\'))) {
          expect(lines.map(({ text, firstLine }) => ({ number: firstLine, text }))).toEqual(significant);
        }
      }),
      RUNS,
    );
  });
});

describe('property: validIdentifier', () => {
  it('agrees with [A-Za-z_][A-Za-z0-9_]*', () => {
    fc.assert(
      fc.property(dslText(['A', 'z', '_', '0', '9', '-', ' ', 'é', '\u212a'], 12), (value) => {
        expect(validIdentifier(value)).toBe(/^[A-Za-z_][A-Za-z0-9_]*$/.test(value));
      }),
      RUNS,
    );
  });
});

describe('property: parseExecArray', () => {
  it('throws only DslError, and whatever it accepts JSON.parse reads the same', () => {
    fc.assert(
      fc.property(fc.oneof(dslText(ARRAY_CHARS), dslText(ARRAY_CHARS).map((tail) => `["${tail}`)), (raw) => {
        const result = onlyDslError(() => parseExecArray(raw));
        if (!(result instanceof DslError)) {
          expect(result.length).toBeGreaterThan(0);
          expect(result).toEqual(JSON.parse(raw.trim()));
        }
      }),
      RUNS,
    );
  });

  it('round-trips any non-empty array of well-formed strings through JSON.stringify', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'binary', maxLength: 20 }), { minLength: 1, maxLength: 6 }), fc.boolean(), (argv, pretty) => {
        expect(parseExecArray(JSON.stringify(argv, null, pretty ? 2 : undefined))).toEqual(argv);
      }),
      RUNS,
    );
  });
});

describe('property: interpolateBracedVariables', () => {
  const variables = fc.dictionary(fc.constantFrom('A', 'B', '_', 'A:-x', 'é', ''), fc.string({ unit: fc.constantFrom('x', '$', '{', '}', 'é'), maxLength: 4 }));

  it('matches the crate algorithm by default, throwing only DslError with the same message', () => {
    fc.assert(
      fc.property(dslText(DOLLAR_CHARS), variables, (value, record) => {
        const map = new Map(Object.entries(record));
        let expected: string | Error;
        try {
          expected = naiveInterpolate(value, map, 'ARG');
        } catch (error) {
          expected = error as Error;
        }
        const actual = onlyDslError(() => interpolateBracedVariables(value, map, 'ARG'));
        if (expected instanceof Error) {
          expect(actual).toBeInstanceOf(DslError);
          expect((actual as DslError).message).toBe(expected.message);
        } else {
          expect(actual).toBe(expected);
        }
        expect(onlyDslError(() => interpolateBracedVariables(value, record, 'ARG'))).toEqual(actual);
      }),
      RUNS,
    );
  });

  it('throws only DslError with every option combination, and leaves $-free text alone', () => {
    fc.assert(
      fc.property(dslText(DOLLAR_CHARS), variables, fc.boolean(), fc.boolean(), (value, record, escapeDollar, modifiers) => {
        const result = onlyDslError(() => interpolateBracedVariables(value, record, 'ENV', { escapeDollar, modifiers }));
        if (!value.includes('$')) expect(result).toBe(value);
        // An option changes nothing for text that does not use what it enables.
        const usesOption = (escapeDollar && value.includes('$$')) || (modifiers && /:[-+]/.test(value));
        if (!usesOption) expect(result).toEqual(onlyDslError(() => interpolateBracedVariables(value, record, 'ENV')));
      }),
      RUNS,
    );
  });
});

describe('property: splitInstruction and parseCommandForm', () => {
  it('splitInstruction throws only DslError and loses nothing but whitespace', () => {
    fc.assert(
      fc.property(dslText(LINE_CHARS), (text) => {
        const result = onlyDslError(() => splitInstruction(text));
        if (result instanceof DslError) {
          expect(text.trim()).toBe('');
        } else {
          expect(text.trim().startsWith(result.keyword)).toBe(true);
          expect(result.rest).toBe(text.trim().slice(result.keyword.length).trim());
        }
      }),
      RUNS,
    );
  });

  it('parseCommandForm throws only DslError and keeps shell text intact', () => {
    fc.assert(
      fc.property(fc.oneof(dslText(ARRAY_CHARS), dslText(LINE_CHARS)), (rest) => {
        const result = onlyDslError(() => parseCommandForm(rest));
        if (!(result instanceof DslError) && result.form === 'shell') expect(result.command).toBe(rest.trim());
      }),
      RUNS,
    );
  });
});

describe('property: formatDiagnostic', () => {
  it('never throws for any source and position, and always starts with the header', () => {
    fc.assert(
      fc.property(dslText(LINE_CHARS, 300), fc.option(fc.integer({ min: -2, max: 12 })), fc.option(fc.integer({ min: -2, max: 400 })), (source, line, column) => {
        const error = new DslError('ERR_METALOR_DSL_EXEC_ARRAY_INVALID', 'invalid exec-form array', {
          line: line ?? undefined,
          column: column ?? undefined,
        });
        const rendered = formatDiagnostic(source, error);
        expect(rendered.split('\n')[0]).toBe('ERR_METALOR_DSL_EXEC_ARRAY_INVALID: invalid exec-form array');
      }),
      RUNS,
    );
  });
});
