import { ProviderError } from './errors.js';

/** Which local Linux provider a user asked for: `auto` lets the host decide. */
export type LocalLinuxProviderSelection = 'auto' | 'wsl2' | 'mac-local';

/** The kind of a concrete local Linux provider, as written to runtime metadata. */
export type LocalLinuxProviderKind = 'wsl2' | 'mac-local';

/** Every selection, in the order error messages list them. */
export const LOCAL_LINUX_PROVIDER_SELECTIONS: readonly LocalLinuxProviderSelection[] = [
  'auto',
  'wsl2',
  'mac-local',
];

/** Every provider kind, in the order error messages list them. */
export const LOCAL_LINUX_PROVIDER_KINDS: readonly LocalLinuxProviderKind[] = ['wsl2', 'mac-local'];

/**
 * Parses a provider selection; surrounding whitespace is ignored and `''` means `auto`.
 * @throws {ProviderError} `ERR_METALOR_PROVIDER_SELECTION_INVALID` for any other text.
 */
export function parseProviderSelection(text: string): LocalLinuxProviderSelection {
  const value = text.trim();
  if (value === '') return 'auto';
  if ((LOCAL_LINUX_PROVIDER_SELECTIONS as readonly string[]).includes(value)) {
    return value as LocalLinuxProviderSelection;
  }
  throw new ProviderError(
    'ERR_METALOR_PROVIDER_SELECTION_INVALID',
    `unsupported local Linux provider selection ${JSON.stringify(value)}; expected one of: ${LOCAL_LINUX_PROVIDER_SELECTIONS.join(', ')}`,
  );
}

/**
 * Parses a provider kind; surrounding whitespace is ignored.
 * @throws {ProviderError} `ERR_METALOR_PROVIDER_KIND_INVALID` unless it is `wsl2` or `mac-local`.
 */
export function parseProviderKind(text: string): LocalLinuxProviderKind {
  const value = text.trim();
  if ((LOCAL_LINUX_PROVIDER_KINDS as readonly string[]).includes(value)) {
    return value as LocalLinuxProviderKind;
  }
  throw new ProviderError(
    'ERR_METALOR_PROVIDER_KIND_INVALID',
    `unsupported local Linux provider kind ${JSON.stringify(value)}; expected one of: ${LOCAL_LINUX_PROVIDER_KINDS.join(', ')}`,
  );
}
