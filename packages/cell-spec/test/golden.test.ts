import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { buildCellRequestJsonSchema, decodeBuildCellRequest, encodeBuildCellRequest, type BuildCellSpec } from '@metalor/cell-spec';

const GOLDEN = fileURLToPath(new URL('./golden/', import.meta.url));
const files = readdirSync(GOLDEN).filter((name) => name.endsWith('.json')).sort();
const read = (name: string) => readFileSync(`${GOLDEN}${name}`, 'utf8');

describe('golden request files (hand-written in serde_json pretty form)', () => {
  it('covers every case the wire format must hold', () => {
    expect(files).toEqual(['archive-never.json', 'escapes.json', 'full.json', 'minimal.json', 'partial-limits.json']);
  });

  it.each(files)('%s decodes and encodes back to the same bytes', (name) => {
    const bytes = read(name);
    expect(encodeBuildCellRequest(decodeBuildCellRequest(bytes))).toBe(bytes);
  });

  it.each(files)('%s validates against buildCellRequestJsonSchema() with ajv', (name) => {
    const validate = new Ajv({ strict: false }).compile(buildCellRequestJsonSchema());
    expect(validate(JSON.parse(read(name))), JSON.stringify(validate.errors)).toBe(true);
  });

  it('full.json holds every field set', () => {
    const spec = decodeBuildCellRequest(read('full.json'));
    expect(spec.workspaceSeed).toEqual({ kind: 'snapshotDir', path: '/home/builder/project' });
    expect(spec.imports).toHaveLength(3);
    expect(spec.caches).toEqual([{ source: '/home/builder/.cache/cargo', destination: '/root/.cargo/registry' }]);
    expect(spec.exports).toHaveLength(2);
    expect(spec.env).toEqual([
      ['PATH', '/usr/local/bin:/usr/bin:/bin'],
      ['RUSTFLAGS', '-C target-cpu=native --cfg=x=1'],
      ['GREETING', 'grüße, 世界'],
    ]);
    expect(spec.network).toBe('disabled');
    expect(spec.limits).toEqual({ cpuTimeSeconds: 3600, memoryBytes: 17179869184, maxProcesses: 512 });
    expect(spec.limits.memoryBytes).toBeGreaterThan(2 ** 32);
    expect(spec.cleanup).toBe('preserveOnFailure');
  });

  it('archive-never.json, partial-limits.json and minimal.json decode to what they say', () => {
    const archive = decodeBuildCellRequest(read('archive-never.json'));
    expect(archive.workspaceSeed).toEqual({ kind: 'archive', path: '/tmp/inputs/source.tar.gz' });
    expect(archive.cleanup).toBe('never');
    expect(decodeBuildCellRequest(read('partial-limits.json')).limits).toEqual({ memoryBytes: 0, maxProcesses: 9007199254740991 });
    const minimal: BuildCellSpec = decodeBuildCellRequest(read('minimal.json'));
    expect(minimal).toMatchObject({ workspaceSeed: { kind: 'empty' }, imports: [], env: [], network: 'enabled', limits: {}, cleanup: 'always' });
  });

  it('escapes.json keeps control characters escaped and DEL, U+2028, emoji and empty strings raw', () => {
    const bytes = read('escapes.json');
    const spec = decodeBuildCellRequest(bytes);
    expect(spec.root).toBe('/cells/r\too\nt');
    expect(spec.scratch).toBe('/cells/\u0001scratch\u001f');
    expect(spec.workspacePath).toBe('/work"space\\');
    expect(spec.command.argv).toEqual(['', 'del:\u007f', 'ls:\u2028ps:\u2029', 'emoji:🚀', 'ctl:\b\f\r\u0000\u000b\u001b', 'slash:/']);
    expect(spec.env).toEqual([['EMPTY', ''], ['TABBED', 'a\tb']]);
    expect(bytes).toContain('"del:\u007f"');
    expect(bytes).toContain('\\u0001');
    expect(bytes).not.toContain('\\u007f');
    expect(bytes).not.toContain('\\u2028');
  });

  it('the JSON Schema refuses what the wire format refuses', () => {
    const validate = new Ajv({ strict: false }).compile(buildCellRequestJsonSchema());
    const minimal = JSON.parse(read('minimal.json'));
    expect(validate({ ...minimal, network: 'enabled' })).toBe(false);
    expect(validate({ ...minimal, limits: null })).toBe(false);
    expect(validate({ ...minimal, limits: { memory_bytes: -1 } })).toBe(false);
    expect(validate({ ...minimal, limits: { memory_bytes: 1.5 } })).toBe(false);
    expect(validate({ ...minimal, env: [['K']] })).toBe(false);
    expect(validate({ ...minimal, workspace_seed: { Empty: null } })).toBe(true);
    const { root: _root, ...missingRoot } = minimal;
    expect(validate(missingRoot)).toBe(false);
  });
});
