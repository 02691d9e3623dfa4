import { describe, expect, it } from 'vitest';
import { interpolateBracedVariables, logicalLines, parseExecArray, significantLines } from '../src/index.js';

const MEGABYTE = 1024 * 1024;

describe('lines of 1 MB each', () => {
  /** `fill` repeated to at least 1 MB (1,048,576 UTF-16 code units). */
  const long = (fill: string) => fill.repeat(Math.ceil(MEGABYTE / fill.length));

  it('significantLines returns each 1 MB line whole, with CRLF, tabs, BOM and no final newline', () => {
    const first = `RUN ${long('abcdefgh')}`;
    const second = long('x y\tz #');
    const source = `\uFEFF\t${first}\t\r\n# ${long('c')}\r\n\r\n  ${second}`;
    const lines = [...significantLines(source)];
    expect(lines.map(({ number }) => number)).toEqual([1, 4]);
    expect(lines[0]!.text.length).toBe(first.length);
    expect(lines[0]!.text === first).toBe(true);
    expect(lines[1]!.text === second.trim()).toBe(true);
  });

  it('parseExecArray reads a 1 MB exec array with escaped quotes', () => {
    const argument = long('say \\"hi\\" ');
    const argv = parseExecArray(`["sh", "-c", "${argument}"]`);
    expect(argv).toHaveLength(3);
    expect(argv[2]!.length).toBeGreaterThan(MEGABYTE * 0.8);
    expect(argv[2] === 'say "hi" '.repeat(argument.length / 11)).toBe(true);
  });

  it('interpolateBracedVariables handles a 1 MB value full of references', () => {
    const value = long('${A}-');
    expect(value.length).toBeGreaterThanOrEqual(MEGABYTE);
    const result = interpolateBracedVariables(value, { A: 'é' }, 'ARG');
    expect(result).toBe('é-'.repeat(value.length / 5));
  });

  it('logicalLines joins 1 MB continuation pieces', () => {
    const piece = long('p');
    const [line, ...others] = [...logicalLines(`RUN ${piece} \\\n  ${piece}\r\n`)];
    expect(others).toEqual([]);
    expect(line!.text.length).toBe(4 + piece.length * 2 + 1);
    expect([line!.firstLine, line!.lastLine]).toEqual([1, 2]);
  });
});
