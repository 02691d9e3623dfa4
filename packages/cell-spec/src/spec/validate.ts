import { CellSpecError } from '../errors.js';
import {
  assertCellPath,
  assertHostPath,
  assertNotRoot,
  cellPathComponents,
  cellPathCovers,
  hostPathComponents,
  normalizeCellPath,
} from './paths.js';
import { buildCellSpecSchema } from './schema.js';
import { shapeError } from './shape-error.js';
import type { BuildCellSpec } from './types.js';

function validateHostRoot(value: string, context: string): void {
  assertHostPath(value, context);
  assertNotRoot(value, hostPathComponents(value), context);
}

function validateCellDestination(value: string, context: string): void {
  assertCellPath(value, context);
  assertNotRoot(value, cellPathComponents(value), context);
}

function validateMountDestinations(spec: BuildCellSpec): void {
  const destinations = [
    ...spec.imports.map((entry) => ({ kind: 'import', path: entry.destination })),
    ...spec.caches.map((entry) => ({ kind: 'cache', path: entry.destination })),
  ].map((entry) => ({ ...entry, normalized: normalizeCellPath(entry.path) }));
  for (let index = 0; index < destinations.length; index += 1) {
    for (let other = index + 1; other < destinations.length; other += 1) {
      const left = destinations[index]!;
      const right = destinations[other]!;
      if (cellPathCovers(left.normalized, right.normalized) || cellPathCovers(right.normalized, left.normalized)) {
        throw new CellSpecError(
          'ERR_METALOR_DESTINATION_CONFLICT',
          `${left.kind} destination ${JSON.stringify(left.path)} conflicts with ${right.kind} destination ${JSON.stringify(right.path)}: expected destinations that neither equal nor contain each other`,
        );
      }
    }
  }
}

/** Throws unless `executable` is an absolute cell path or a bare command name. */
export function validateExecutable(executable: string): void {
  if (executable.startsWith('/')) {
    assertCellPath(executable, 'build cell executable');
    return;
  }
  if (executable === '..') {
    throw new CellSpecError('ERR_METALOR_EXECUTABLE_INVALID', `build cell executable must not be '..': ${JSON.stringify(executable)}`);
  }
  if (executable === '' || executable === '.' || executable.includes('/') || executable.includes('\0')) {
    throw new CellSpecError(
      'ERR_METALOR_EXECUTABLE_INVALID',
      `build cell executable must be absolute or a bare command name: ${JSON.stringify(executable)}`,
    );
  }
}

/** Throws unless every key is non-empty without `=` or NUL, and every value has no NUL. */
export function validateEnvironment(env: readonly (readonly [string, string])[]): void {
  env.forEach(([key, value], index) => {
    if (key === '') {
      throw new CellSpecError('ERR_METALOR_ENV_KEY_EMPTY', `environment key at index ${index} must not be empty`);
    }
    if (key.includes('=') || key.includes('\0')) {
      const what = key.includes('=') ? "'='" : 'NUL bytes';
      throw new CellSpecError('ERR_METALOR_ENV_KEY_INVALID', `environment key ${JSON.stringify(key)} must not contain ${what}`);
    }
    if (value.includes('\0')) {
      throw new CellSpecError('ERR_METALOR_ENV_VALUE_INVALID', `environment value of ${JSON.stringify(key)} must not contain NUL bytes`);
    }
  });
}

/**
 * Checks a spec against the crate's rules: root and scratch absolute, not `/`, no `..`;
 * workspace path absolute and not `/`; seed paths absolute; import and cache
 * destinations absolute, not `/`, and none covering another; export sources absolute
 * cell paths and destinations absolute host paths; cwd absolute; executable absolute or
 * a bare command name; env keys non-empty without `=` or NUL, values without NUL.
 *
 * @throws {CellSpecError} `ERR_METALOR_SPEC_INVALID` when the value is not shaped like a
 * spec, else the code of the first broken rule (`ERR_METALOR_PATH_NOT_ABSOLUTE`,
 * `ERR_METALOR_PATH_PARENT_COMPONENT`, `ERR_METALOR_PATH_IS_ROOT`,
 * `ERR_METALOR_DESTINATION_CONFLICT`, `ERR_METALOR_EXECUTABLE_INVALID`,
 * `ERR_METALOR_ENV_KEY_EMPTY`, `ERR_METALOR_ENV_KEY_INVALID`, `ERR_METALOR_ENV_VALUE_INVALID`).
 */
export function validateBuildCellSpec(spec: BuildCellSpec): void {
  checkBuildCellRules(parseBuildCellSpec(spec));
}

/**
 * Checks the shape of a spec and fills its defaults.
 *
 * @throws {CellSpecError} `ERR_METALOR_SPEC_INVALID` naming the first bad field.
 */
export function parseBuildCellSpec(spec: unknown): BuildCellSpec {
  const parsed = buildCellSpecSchema.safeParse(spec);
  if (!parsed.success) throw shapeError(parsed.error, spec, 'spec', 'ERR_METALOR_SPEC_INVALID');
  return parsed.data;
}

function checkBuildCellRules(spec: BuildCellSpec): void {
  validateHostRoot(spec.root, 'build cell root');
  validateHostRoot(spec.scratch, 'build scratch');
  validateCellDestination(spec.workspacePath, 'build cell workspace path');
  const seed = spec.workspaceSeed;
  if (seed.kind === 'snapshotDir') assertHostPath(seed.path, 'build workspace seed');
  if (seed.kind === 'archive') assertHostPath(seed.path, 'build workspace archive');
  for (const entry of spec.imports) {
    assertHostPath(entry.source, 'build import source');
    validateCellDestination(entry.destination, 'build import destination');
  }
  for (const entry of spec.caches) {
    assertHostPath(entry.source, 'build cache source');
    validateCellDestination(entry.destination, 'build cache destination');
  }
  for (const entry of spec.exports) {
    assertCellPath(entry.source, 'build export source');
    assertHostPath(entry.destination, 'build export destination');
  }
  validateMountDestinations(spec);
  assertCellPath(spec.command.cwd, 'build cell cwd');
  validateExecutable(spec.command.executable);
  validateEnvironment(spec.env);
}
