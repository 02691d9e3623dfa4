import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeBuildCellRequest, encodeBuildCellRequest, type BuildCellSpec } from '../index.js';
import { parseStrictJson } from './strict-json.js';

// Any well-formed string, including control characters, quotes, DEL, U+2028 and astral characters.
const text = fc.string({ unit: 'grapheme', maxLength: 12 });
const mapping = fc.record({ source: text, destination: text });
const limit = fc.option(fc.maxSafeNat(), { nil: undefined });

const spec: fc.Arbitrary<BuildCellSpec> = fc.record({
  root: text,
  scratch: text,
  workspacePath: text,
  workspaceSeed: fc.oneof(
    fc.constant({ kind: 'empty' as const }),
    text.map((path) => ({ kind: 'snapshotDir' as const, path })),
    text.map((path) => ({ kind: 'archive' as const, path })),
  ),
  imports: fc.array(mapping, { maxLength: 3 }),
  caches: fc.array(mapping, { maxLength: 3 }),
  exports: fc.array(mapping, { maxLength: 3 }),
  command: fc.record({ cwd: text, executable: text, argv: fc.array(text, { maxLength: 4 }) }),
  env: fc.array(fc.tuple(text, text), { maxLength: 4 }),
  network: fc.constantFrom('enabled' as const, 'disabled' as const),
  limits: fc.record({ cpuTimeSeconds: limit, memoryBytes: limit, maxProcesses: limit }).map((limits) =>
    Object.fromEntries(Object.entries(limits).filter(([, value]) => value !== undefined)),
  ),
  cleanup: fc.constantFrom('always' as const, 'preserveOnFailure' as const, 'never' as const),
});

describe('request round trip (property)', () => {
  it('decode(encode(spec)) is spec, and the bytes parse as the same JSON with JSON.parse', () => {
    fc.assert(
      fc.property(spec, (value) => {
        const json = encodeBuildCellRequest(value);
        expect(decodeBuildCellRequest(json)).toEqual(value);
        expect(decodeBuildCellRequest(new TextEncoder().encode(json))).toEqual(value);
        expect(JSON.stringify(JSON.parse(json), null, 2)).toBe(JSON.stringify(parseStrictJson(json), null, 2));
      }),
      { numRuns: 300 },
    );
  });

  it('the strict reader agrees with JSON.parse on any duplicate-free JSON', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const json = JSON.stringify(value);
        // Integers beyond 2^53-1 come back as bigint by design; JSON.parse rounds them the same way Number() does.
        expect(JSON.stringify(parseStrictJson(json), (_key, item: unknown) => (typeof item === 'bigint' ? Number(item) : item))).toBe(json);
      }),
      { numRuns: 300 },
    );
  });
});
