import {
  normalizeProviderRoot,
  providerJoin,
  validateProviderRelativePath,
  validateStampComponent,
} from './lib/provider-path.js';
import {
  PROVIDER_RUNTIME_LAYOUT_VERSION,
  providerMetadataPath,
  validateProviderMetadata,
  type ProviderRuntimeMetadata,
} from './metadata.js';
import type { LocalLinuxProviderKind } from './selection.js';

/**
 * Where a provider keeps its runtime inside the Linux environment: jobs, stamps and
 * metadata all live under one absolute POSIX root.
 */
export class ProviderRuntimeLayout {
  /** The normalized root (no trailing `/` unless it is `/`). */
  readonly root: string;

  /**
   * @param root An absolute POSIX path without `.`, `..` or `\`; a trailing `/` is trimmed.
   * @throws {ProviderError} `ERR_METALOR_PROVIDER_ROOT_INVALID` for any other root.
   */
  constructor(root: string) {
    this.root = normalizeProviderRoot(root);
  }

  /** `<root>/jobs`: the parent of every job root. */
  jobsRoot(): string {
    return providerJoin(this.root, 'jobs');
  }

  /** `<root>/provider-metadata.env`. */
  metadataPath(): string {
    return providerMetadataPath(this.root);
  }

  /**
   * Joins a relative POSIX path onto the root.
   * @throws {ProviderError} `ERR_METALOR_PROVIDER_PATH_INVALID` for absolute paths, `\`, or empty, `.` or `..` components.
   */
  join(relative: string): string {
    validateProviderRelativePath(relative);
    return providerJoin(this.root, relative.trim());
  }

  /**
   * `<root>/<label>-<version>.stamp`.
   * @throws {ProviderError} `ERR_METALOR_PROVIDER_STAMP_INVALID` unless both match `[A-Za-z0-9._-]+`.
   */
  stampPath(label: string, version: string): string {
    validateStampComponent(label, 'label');
    validateStampComponent(version, 'version');
    return providerJoin(this.root, `${label}-${version}.stamp`);
  }

  /**
   * The metadata describing this layout, with the bootstrap stamp at `stampPath('bootstrap', version)`.
   * @throws {ProviderError} `ERR_METALOR_PROVIDER_STAMP_INVALID` for a bad version;
   * `ERR_METALOR_PROVIDER_METADATA_INVALID` for an empty identity.
   */
  metadata(kind: LocalLinuxProviderKind, identity: string, bootstrapVersion: string): ProviderRuntimeMetadata {
    const metadata: ProviderRuntimeMetadata = {
      kind,
      identity,
      runtimeRoot: this.root,
      runtimeLayoutVersion: PROVIDER_RUNTIME_LAYOUT_VERSION,
      bootstrapVersion,
      bootstrapStamp: this.stampPath('bootstrap', bootstrapVersion),
    };
    validateProviderMetadata(metadata);
    return metadata;
  }
}
