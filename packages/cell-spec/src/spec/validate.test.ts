import { describe, expect, it } from 'vitest';
import { CellSpecError, isUnbounded, parseBuildCellSpec, validateBuildCellSpec, type BuildCellSpec } from '../index.js';

function baseSpec(): BuildCellSpec {
  return {
    root: '/cells/root',
    scratch: '/cells/scratch',
    workspacePath: '/workspace',
    workspaceSeed: { kind: 'empty' },
    imports: [],
    caches: [],
    exports: [],
    command: { cwd: '/workspace', executable: '/bin/true', argv: [] },
    env: [],
    network: 'enabled',
    limits: {},
    cleanup: 'always',
  };
}

function expectRefused(change: (spec: BuildCellSpec) => void, code: string, message: string): void {
  const spec = baseSpec();
  change(spec);
  let caught: unknown;
  try {
    validateBuildCellSpec(spec);
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(CellSpecError);
  expect((caught as CellSpecError).code).toBe(code);
  expect((caught as CellSpecError).message).toBe(message);
}

describe('validateBuildCellSpec', () => {
  it('accepts a well-formed spec, bare command names and nested but distinct destinations', () => {
    const spec = baseSpec();
    spec.command.executable = 'make';
    spec.imports = [{ source: '/src/a', destination: '/in/a' }];
    spec.caches = [{ source: '/src/c', destination: '/in/ab' }];
    spec.exports = [{ source: '/workspace/out', destination: '/out/x' }];
    spec.env = [['PATH', '/bin'], ['X', 'a=b']];
    expect(() => validateBuildCellSpec(spec)).not.toThrow();
  });

  it.each([
    ['root', (s: BuildCellSpec) => (s.root = 'cells/root'), 'ERR_METALOR_PATH_NOT_ABSOLUTE', 'build cell root must be absolute: "cells/root"'],
    ['root', (s: BuildCellSpec) => (s.root = '/'), 'ERR_METALOR_PATH_IS_ROOT', 'build cell root must not be /: "/"'],
    ['root', (s: BuildCellSpec) => (s.root = '//./'), 'ERR_METALOR_PATH_IS_ROOT', 'build cell root must not be /: "//./"'],
    ['root', (s: BuildCellSpec) => (s.root = '/cells/../etc'), 'ERR_METALOR_PATH_PARENT_COMPONENT', `build cell root must not contain '..': "/cells/../etc"`],
    ['scratch', (s: BuildCellSpec) => (s.scratch = 'scratch'), 'ERR_METALOR_PATH_NOT_ABSOLUTE', 'build scratch must be absolute: "scratch"'],
    ['scratch', (s: BuildCellSpec) => (s.scratch = '/'), 'ERR_METALOR_PATH_IS_ROOT', 'build scratch must not be /: "/"'],
    ['scratch', (s: BuildCellSpec) => (s.scratch = '/a/..'), 'ERR_METALOR_PATH_PARENT_COMPONENT', `build scratch must not contain '..': "/a/.."`],
    ['workspace', (s: BuildCellSpec) => (s.workspacePath = 'workspace'), 'ERR_METALOR_PATH_NOT_ABSOLUTE', 'build cell workspace path must be absolute: "workspace"'],
    ['workspace', (s: BuildCellSpec) => (s.workspacePath = '/'), 'ERR_METALOR_PATH_IS_ROOT', 'build cell workspace path must not be /: "/"'],
    ['workspace', (s: BuildCellSpec) => (s.workspacePath = '/w/../x'), 'ERR_METALOR_PATH_PARENT_COMPONENT', `build cell workspace path must not contain '..': "/w/../x"`],
    ['seed', (s: BuildCellSpec) => (s.workspaceSeed = { kind: 'snapshotDir', path: 'snap' }), 'ERR_METALOR_PATH_NOT_ABSOLUTE', 'build workspace seed must be absolute: "snap"'],
    ['archive', (s: BuildCellSpec) => (s.workspaceSeed = { kind: 'archive', path: '/a/../b.tar' }), 'ERR_METALOR_PATH_PARENT_COMPONENT', `build workspace archive must not contain '..': "/a/../b.tar"`],
    ['import source', (s: BuildCellSpec) => (s.imports = [{ source: 'x', destination: '/x' }]), 'ERR_METALOR_PATH_NOT_ABSOLUTE', 'build import source must be absolute: "x"'],
    ['import destination', (s: BuildCellSpec) => (s.imports = [{ source: '/x', destination: 'x' }]), 'ERR_METALOR_PATH_NOT_ABSOLUTE', 'build import destination must be absolute: "x"'],
    ['import destination', (s: BuildCellSpec) => (s.imports = [{ source: '/x', destination: '/' }]), 'ERR_METALOR_PATH_IS_ROOT', 'build import destination must not be /: "/"'],
    ['import destination', (s: BuildCellSpec) => (s.imports = [{ source: '/x', destination: '/a/../b' }]), 'ERR_METALOR_PATH_PARENT_COMPONENT', `build import destination must not contain '..': "/a/../b"`],
    ['cache source', (s: BuildCellSpec) => (s.caches = [{ source: 'c', destination: '/c' }]), 'ERR_METALOR_PATH_NOT_ABSOLUTE', 'build cache source must be absolute: "c"'],
    ['cache destination', (s: BuildCellSpec) => (s.caches = [{ source: '/c', destination: '/' }]), 'ERR_METALOR_PATH_IS_ROOT', 'build cache destination must not be /: "/"'],
    ['cache destination', (s: BuildCellSpec) => (s.caches = [{ source: '/c', destination: 'c' }]), 'ERR_METALOR_PATH_NOT_ABSOLUTE', 'build cache destination must be absolute: "c"'],
    ['export source', (s: BuildCellSpec) => (s.exports = [{ source: 'out', destination: '/out' }]), 'ERR_METALOR_PATH_NOT_ABSOLUTE', 'build export source must be absolute: "out"'],
    ['export source', (s: BuildCellSpec) => (s.exports = [{ source: '/w/../../etc', destination: '/out' }]), 'ERR_METALOR_PATH_PARENT_COMPONENT', `build export source must not contain '..': "/w/../../etc"`],
    ['export destination', (s: BuildCellSpec) => (s.exports = [{ source: '/out', destination: 'out' }]), 'ERR_METALOR_PATH_NOT_ABSOLUTE', 'build export destination must be absolute: "out"'],
    ['export destination', (s: BuildCellSpec) => (s.exports = [{ source: '/out', destination: '/o/../p' }]), 'ERR_METALOR_PATH_PARENT_COMPONENT', `build export destination must not contain '..': "/o/../p"`],
    ['cwd', (s: BuildCellSpec) => (s.command.cwd = 'workspace'), 'ERR_METALOR_PATH_NOT_ABSOLUTE', 'build cell cwd must be absolute: "workspace"'],
    ['cwd', (s: BuildCellSpec) => (s.command.cwd = '/w/..'), 'ERR_METALOR_PATH_PARENT_COMPONENT', `build cell cwd must not contain '..': "/w/.."`],
    ['executable', (s: BuildCellSpec) => (s.command.executable = 'bin/sh'), 'ERR_METALOR_EXECUTABLE_INVALID', 'build cell executable must be absolute or a bare command name: "bin/sh"'],
    ['executable', (s: BuildCellSpec) => (s.command.executable = './sh'), 'ERR_METALOR_EXECUTABLE_INVALID', 'build cell executable must be absolute or a bare command name: "./sh"'],
    ['executable', (s: BuildCellSpec) => (s.command.executable = ''), 'ERR_METALOR_EXECUTABLE_INVALID', 'build cell executable must be absolute or a bare command name: ""'],
    ['executable', (s: BuildCellSpec) => (s.command.executable = '..'), 'ERR_METALOR_EXECUTABLE_INVALID', `build cell executable must not be '..': ".."`],
    ['executable', (s: BuildCellSpec) => (s.command.executable = '/bin/../sh'), 'ERR_METALOR_PATH_PARENT_COMPONENT', `build cell executable must not contain '..': "/bin/../sh"`],
    ['env', (s: BuildCellSpec) => (s.env = [['', 'v']]), 'ERR_METALOR_ENV_KEY_EMPTY', 'environment key at index 0 must not be empty'],
    ['env', (s: BuildCellSpec) => (s.env = [['A', '1'], ['B=C', 'v']]), 'ERR_METALOR_ENV_KEY_INVALID', `environment key "B=C" must not contain '='`],
    ['env', (s: BuildCellSpec) => (s.env = [['A\0B', 'v']]), 'ERR_METALOR_ENV_KEY_INVALID', 'environment key "A\\u0000B" must not contain NUL bytes'],
    ['env', (s: BuildCellSpec) => (s.env = [['A', 'v\0']]), 'ERR_METALOR_ENV_VALUE_INVALID', 'environment value of "A" must not contain NUL bytes'],
  ])('refuses a bad %s', (_field, change, code, message) => {
    expectRefused(change, code, message);
  });

  it.each([
    [[{ source: '/a', destination: '/in' }], [{ source: '/b', destination: '/in' }], 'import destination "/in" conflicts with cache destination "/in"'],
    [[{ source: '/a', destination: '/in' }, { source: '/b', destination: '/in/sub' }], [], 'import destination "/in" conflicts with import destination "/in/sub"'],
    [[{ source: '/a', destination: '/in/sub/' }], [{ source: '/b', destination: '//in' }], 'import destination "/in/sub/" conflicts with cache destination "//in"'],
  ])('refuses destinations that cover each other (%#)', (imports, caches, what) => {
    expectRefused(
      (spec) => {
        spec.imports = imports;
        spec.caches = caches;
      },
      'ERR_METALOR_DESTINATION_CONFLICT',
      `${what}: expected destinations that neither equal nor contain each other`,
    );
  });

  it('refuses a value that is not shaped like a spec, naming the field', () => {
    expectRefused((spec) => ((spec as unknown as { root: number }).root = 7), 'ERR_METALOR_SPEC_INVALID', 'spec.root: expected string, got 7');
    expectRefused((spec) => (spec.limits.memoryBytes = 1.5), 'ERR_METALOR_SPEC_INVALID', 'spec.limits.memoryBytes: expected an integer from 0 to 9007199254740991 (2^53-1), got 1.5');
    expectRefused((spec) => (spec.network = 'off' as never), 'ERR_METALOR_SPEC_INVALID', 'spec.network: expected one of "enabled", "disabled", got "off"');
    expectRefused((spec) => (spec.limits.maxProcesses = 2 ** 53), 'ERR_METALOR_SPEC_INVALID', 'spec.limits.maxProcesses: expected an integer from 0 to 9007199254740991 (2^53-1), got 9007199254740992');
    expect(() => validateBuildCellSpec(null as never)).toThrow(CellSpecError);
  });

  it('fills defaults when parsing a partial spec', () => {
    const spec = parseBuildCellSpec({
      root: '/r',
      scratch: '/s',
      workspacePath: '/w',
      workspaceSeed: { kind: 'empty' },
      command: { cwd: '/', executable: 'true' },
    });
    expect(spec).toEqual({ ...baseSpec(), root: '/r', scratch: '/s', workspacePath: '/w', command: { cwd: '/', executable: 'true', argv: [] } });
  });
});

describe('isUnbounded', () => {
  it('is true only when no limit is set', () => {
    expect(isUnbounded({})).toBe(true);
    expect(isUnbounded({ memoryBytes: 0 })).toBe(false);
    expect(isUnbounded({ cpuTimeSeconds: 1 })).toBe(false);
    expect(isUnbounded({ maxProcesses: 3 })).toBe(false);
  });
});
