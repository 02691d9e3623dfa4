import { ProviderError } from '../errors.js';

/** Joins a provider (POSIX) parent path and a child, never doubling `/`. */
export function providerJoin(parent: string, child: string): string {
  if (parent === '/') return `/${child}`;
  return `${parent.replace(/\/+$/, '')}/${child}`;
}

/** The parent directory of a provider path (`/` for top-level entries). */
export function providerDirname(path: string): string {
  const trimmed = path.replace(/\/+$/, '');
  const index = trimmed.lastIndexOf('/');
  if (index <= 0) return index === 0 ? '/' : '.';
  return trimmed.slice(0, index);
}

/** The last component of a provider path. */
export function providerBasename(path: string): string {
  const trimmed = path.replace(/\/+$/, '');
  return trimmed.slice(trimmed.lastIndexOf('/') + 1);
}

/** Normalizes a runtime root: absolute POSIX, no `.`/`..`/`\`, trailing `/` trimmed. */
export function normalizeProviderRoot(root: string): string {
  const trimmed = root.trim();
  const fail = (expected: string): never => {
    throw new ProviderError(
      'ERR_METALOR_PROVIDER_ROOT_INVALID',
      `invalid provider runtime root ${JSON.stringify(root)}: expected ${expected}`,
    );
  };
  if (trimmed === '') fail('a non-empty absolute Linux path');
  if (!trimmed.startsWith('/')) fail('an absolute Linux path');
  if (trimmed.includes('\\')) fail("'/' separators");
  if (trimmed.split('/').some((part) => part === '.' || part === '..')) fail("no '.' or '..' components");
  if (trimmed.includes('\0')) fail('no NUL bytes');
  return trimmed === '/' ? '/' : trimmed.replace(/\/+$/, '') || '/';
}

/** Checks a path relative to a runtime root: no leading `/`, no empty, `.` or `..` components. */
export function validateProviderRelativePath(path: string): void {
  const trimmed = path.trim();
  const fail = (expected: string): never => {
    throw new ProviderError(
      'ERR_METALOR_PROVIDER_PATH_INVALID',
      `invalid provider runtime relative path ${JSON.stringify(path)}: expected ${expected}`,
    );
  };
  if (trimmed === '') fail('a non-empty relative path');
  if (trimmed.startsWith('/')) fail('a relative path');
  if (trimmed.includes('\\')) fail("'/' separators");
  if (trimmed.split('/').some((part) => part === '' || part === '.' || part === '..')) {
    fail("no empty, '.' or '..' components");
  }
}

const STAMP_COMPONENT = /^[A-Za-z0-9._-]+$/;

/** Checks one component of a stamp file name (`[A-Za-z0-9._-]+`). */
export function validateStampComponent(value: string, what: 'label' | 'version'): void {
  if (!STAMP_COMPONENT.test(value)) {
    throw new ProviderError(
      'ERR_METALOR_PROVIDER_STAMP_INVALID',
      `invalid provider stamp ${what} ${JSON.stringify(value)}: expected one or more ASCII letters, digits, '-', '_' or '.'`,
    );
  }
}

/** Replaces every character outside `[A-Za-z0-9._-]` with `-`; an empty label becomes `job`. */
export function sanitizeJobLabel(label: string): string {
  const sanitized = label.replace(/[^A-Za-z0-9._-]/gu, '-');
  return sanitized === '' ? 'job' : sanitized;
}
