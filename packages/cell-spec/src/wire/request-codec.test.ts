import { describe, expect, it } from 'vitest';
import { CellSpecError, decodeBuildCellRequest, encodeBuildCellRequest, type BuildCellSpec } from '../index.js';

const REQUIRED = '"root":"/r","scratch":"/s","workspace_path":"/w","workspace_seed":"Empty","command":{"cwd":"/w","executable":"true"}';

function request(extra = ''): string {
  return `{${REQUIRED}${extra}}`;
}

function refusal(json: string): CellSpecError {
  try {
    decodeBuildCellRequest(json);
  } catch (error) {
    expect(error).toBeInstanceOf(CellSpecError);
    return error as CellSpecError;
  }
  throw new Error(`expected ${json} to be refused`);
}

const DEFAULTS: BuildCellSpec = {
  root: '/r',
  scratch: '/s',
  workspacePath: '/w',
  workspaceSeed: { kind: 'empty' },
  imports: [],
  caches: [],
  exports: [],
  command: { cwd: '/w', executable: 'true', argv: [] },
  env: [],
  network: 'enabled',
  limits: {},
  cleanup: 'always',
};

describe('decodeBuildCellRequest', () => {
  it('fills the crate defaults for missing optional fields', () => {
    expect(decodeBuildCellRequest(request())).toEqual(DEFAULTS);
  });

  it('accepts the map forms serde accepts for unit variants and ignores unknown keys', () => {
    const spec = decodeBuildCellRequest(
      `{"root":"/r","scratch":"/s","workspace_path":"/w","workspace_seed":{"Empty":null},"command":{"cwd":"/w","executable":"true","future":1},"network":{"Disabled":null},"cleanup":{"Never":null},"added_later":[1,2]}`,
    );
    expect(spec).toEqual({ ...DEFAULTS, network: 'disabled', cleanup: 'never' });
  });

  it('reads a partly filled limits object and UTF-8 bytes', () => {
    const bytes = new TextEncoder().encode(request(',"limits":{"max_processes":4,"cpu_time_seconds":null},"env":[["K","v=é"]]'));
    expect(decodeBuildCellRequest(bytes)).toEqual({ ...DEFAULTS, limits: { maxProcesses: 4 }, env: [['K', 'v=é']] });
  });

  it.each([
    ['limits', ',"limits":null', '$.limits: expected object, got null'],
    ['env', ',"env":null', '$.env: expected array, got null'],
    ['network', ',"network":null', '$.network: expected one of "Enabled", "Disabled", got null'],
    ['imports', ',"imports":null', '$.imports: expected array, got null'],
    ['cleanup', ',"cleanup":null', '$.cleanup: expected one of "Always", "PreserveOnFailure", "Never", got null'],
    ['argv', '', ''],
  ])('refuses null for %s', (_name, extra, message) => {
    if (!extra) {
      expect(refusal(request().replace('"executable":"true"', '"executable":"true","argv":null')).message).toBe('$.command.argv: expected array, got null');
      return;
    }
    const error = refusal(request(extra));
    expect(error.code).toBe('ERR_METALOR_REQUEST_INVALID');
    expect(error.message).toBe(message);
  });

  it.each([
    [request().replace('"Empty"', '"empty"'), '$.workspace_seed: expected one of "Empty", {"SnapshotDir": path}, {"Archive": path}, got "empty"'],
    [request().replace('"Empty"', '{"snapshotDir":"/p"}'), '$.workspace_seed: expected one of "Empty", {"SnapshotDir": path}, {"Archive": path}, got {"snapshotDir":"/p"}'],
    [request().replace('"Empty"', '"SnapshotDir"'), '$.workspace_seed: expected one of "Empty", {"SnapshotDir": path}, {"Archive": path}, got "SnapshotDir"'],
    [request().replace('"Empty"', '{"Archive":"/a","SnapshotDir":"/b"}'), '$.workspace_seed: expected one of "Empty", {"SnapshotDir": path}, {"Archive": path}, got {"Archive":"/a","SnapshotDir":"/b"}'],
    [request().replace('"Empty"', '{"Archive":null}'), '$.workspace_seed.Archive: variant "Archive" expects a string, got null'],
    [request().replace('"Empty"', '{"Empty":1}'), '$.workspace_seed.Empty: unit variant "Empty" takes no value: expected null, got 1'],
    [request(',"network":"enabled"'), '$.network: expected one of "Enabled", "Disabled", got "enabled"'],
    [request(',"cleanup":"preserve_on_failure"'), '$.cleanup: expected one of "Always", "PreserveOnFailure", "Never", got "preserve_on_failure"'],
  ])('refuses a misspelt variant (%#)', (json, message) => {
    const error = refusal(json);
    expect(error.code).toBe('ERR_METALOR_REQUEST_INVALID');
    expect(error.message).toBe(message);
  });

  const RANGE = 'expected an integer from 0 to 9007199254740991 (2^53-1) or null';
  it.each([
    ['-1', 'ERR_METALOR_REQUEST_INVALID', `$.limits.memory_bytes: must not be negative: ${RANGE}, got -1`],
    ['-0', 'ERR_METALOR_REQUEST_INVALID', `$.limits.memory_bytes: must not be negative: ${RANGE}, got -0`],
    ['1.5', 'ERR_METALOR_REQUEST_INVALID', `$.limits.memory_bytes: must be a whole number without fraction or exponent: ${RANGE}, got 1.5`],
    ['1.0', 'ERR_METALOR_REQUEST_INVALID', `$.limits.memory_bytes: must be a whole number without fraction or exponent: ${RANGE}, got 1.0`],
    ['1e3', 'ERR_METALOR_REQUEST_INVALID', `$.limits.memory_bytes: must be a whole number without fraction or exponent: ${RANGE}, got 1e3`],
    ['"1"', 'ERR_METALOR_REQUEST_INVALID', `$.limits.memory_bytes: ${RANGE}, got "1"`],
    ['9007199254740992', 'ERR_METALOR_REQUEST_LIMIT_OUT_OF_RANGE', `$.limits.memory_bytes: exceeds 2^53-1: ${RANGE}, got 9007199254740992`],
    ['18446744073709551615', 'ERR_METALOR_REQUEST_LIMIT_OUT_OF_RANGE', `$.limits.memory_bytes: exceeds 2^53-1: ${RANGE}, got 18446744073709551615`],
    ['-18446744073709551615', 'ERR_METALOR_REQUEST_INVALID', `$.limits.memory_bytes: must not be negative: ${RANGE}, got -18446744073709551615`],
  ])('refuses the limit %s', (value, code, message) => {
    const error = refusal(request(`,"limits":{"memory_bytes":${value}}`));
    expect(error.code).toBe(code);
    expect(error.message).toBe(message);
  });

  it('accepts the largest limit exactly', () => {
    expect(decodeBuildCellRequest(request(',"limits":{"cpu_time_seconds":9007199254740991}')).limits).toEqual({ cpuTimeSeconds: 9007199254740991 });
  });

  it.each([
    ['["K"]', '$.env[0]: expected a ["KEY", "VALUE"] pair of exactly two strings, got ["K"]'],
    ['["K","V","W"]', '$.env[0]: expected a ["KEY", "VALUE"] pair of exactly two strings, got ["K","V","W"]'],
    ['["K",1]', '$.env[0]: expected a ["KEY", "VALUE"] pair of exactly two strings, got ["K",1]'],
    ['{"K":"V"}', '$.env[0]: expected a ["KEY", "VALUE"] pair of exactly two strings, got {"K":"V"}'],
  ])('refuses the env pair %s', (pair, message) => {
    expect(refusal(request(`,"env":[${pair}]`)).message).toBe(message);
  });

  it('refuses duplicate keys, trailing text, a byte order mark and a missing field', () => {
    expect(refusal(request(',"network":"Enabled","network":"Disabled"'))).toMatchObject({
      code: 'ERR_METALOR_REQUEST_DUPLICATE_KEY',
      message: expect.stringMatching(/^\$\.network: duplicate key "network"/),
    });
    expect(refusal(`${request()}\n{}`)).toMatchObject({ code: 'ERR_METALOR_REQUEST_SYNTAX', message: expect.stringMatching(/^\$: trailing characters/) });
    expect(refusal(`\ufeff${request()}`)).toMatchObject({ code: 'ERR_METALOR_REQUEST_SYNTAX', message: expect.stringMatching(/byte order mark/) });
    expect(refusal(new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode(request())]) as never)).toMatchObject({
      code: 'ERR_METALOR_REQUEST_SYNTAX',
    });
    expect(refusal(request().replace('"scratch":"/s",', ''))).toMatchObject({ code: 'ERR_METALOR_REQUEST_INVALID', message: '$.scratch: is required (expected string)' });
    expect(refusal(new Uint8Array([0x22, 0xff, 0x22]) as never)).toMatchObject({ code: 'ERR_METALOR_REQUEST_SYNTAX', message: '$: build cell request is not valid UTF-8' });
  });
});

describe('encodeBuildCellRequest', () => {
  it('fills defaults, writes every field in crate order and round-trips', () => {
    const text = encodeBuildCellRequest({ ...DEFAULTS, limits: { memoryBytes: 2 ** 40 } });
    expect(text.startsWith('{\n  "root": "/r",\n  "scratch": "/s",\n  "workspace_path": "/w",\n  "workspace_seed": "Empty",\n')).toBe(true);
    expect(text).toContain('"limits": {\n    "cpu_time_seconds": null,\n    "memory_bytes": 1099511627776,\n    "max_processes": null\n  },\n  "cleanup": "Always"\n}');
    expect(text.endsWith('}')).toBe(true);
    expect(decodeBuildCellRequest(text)).toEqual({ ...DEFAULTS, limits: { memoryBytes: 2 ** 40 } });
  });

  it('refuses a spec that cannot cross the wire', () => {
    expect(() => encodeBuildCellRequest({ ...DEFAULTS, root: 'bad\ud800' })).toThrow(
      expect.objectContaining({ code: 'ERR_METALOR_SPEC_INVALID', message: 'spec.root: must be well-formed Unicode (no lone surrogates), got "bad\\ud800"' }),
    );
    expect(() => encodeBuildCellRequest({ ...DEFAULTS, limits: { maxProcesses: -1 } })).toThrow(
      expect.objectContaining({ code: 'ERR_METALOR_SPEC_INVALID' }),
    );
  });
});
