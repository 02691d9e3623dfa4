import { CellSpecError } from '../errors.js';

function refuse(archive: string, kind: string, entryPath: string, target: string): never {
  throw new CellSpecError(
    'ERR_METALOR_ARCHIVE_LINK_ESCAPE',
    `workspace archive ${JSON.stringify(archive)} ${kind} ${JSON.stringify(entryPath)} -> ${JSON.stringify(target)} points outside the workspace: expected a target inside it`,
  );
}

/**
 * Defence: a symlink's target must resolve inside the destination. Absolute targets are
 * refused; `..` may appear only before the first ordinary component, because a `..` after
 * a component that is itself a symlink would be resolved by the kernel from wherever that
 * link points, not lexically.
 */
export function checkSymlinkTarget(archive: string, entryPath: string, components: readonly string[], target: string): void {
  if (target.startsWith('/') || target.startsWith('\\') || /^[A-Za-z]:/.test(target)) refuse(archive, 'symlink', entryPath, target);
  let depth = components.length - 1;
  let sawName = false;
  for (const part of target.split(/[\\/]/)) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (sawName) refuse(archive, 'symlink', entryPath, target);
      depth -= 1;
      if (depth < 0) refuse(archive, 'symlink', entryPath, target);
    } else {
      sawName = true;
    }
  }
}

/** Defence: a hard link names another entry of the archive: relative, without `..`. Returns its components. */
export function checkHardlinkTarget(archive: string, entryPath: string, target: string): string[] {
  if (target.startsWith('/') || target.startsWith('\\') || /^[A-Za-z]:/.test(target)) refuse(archive, 'hard link', entryPath, target);
  const components = target.split(/[\\/]/).filter((part) => part !== '' && part !== '.');
  if (components.length === 0 || components.includes('..')) refuse(archive, 'hard link', entryPath, target);
  return components;
}
