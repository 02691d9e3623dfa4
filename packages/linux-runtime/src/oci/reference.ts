import { LinuxRuntimeError } from '../errors.js';

/** Transports that skopeo understands and that pass through unchanged. */
const PASS_THROUGH_PREFIXES = ['oci:', 'dir:', 'docker-archive:', 'oci-archive:', 'containers-storage:'] as const;

/**
 * Turn an image reference into a skopeo source: references with a transport
 * (`oci:`, `dir:`, `docker-archive:`, `oci-archive:`, `containers-storage:`, or any
 * `scheme://`) pass through unchanged; a bare name such as `debian:12` gets `docker://`.
 *
 * @throws {LinuxRuntimeError} `ERR_METALOR_OCI_REFERENCE_INVALID` for an empty reference or one
 *   containing whitespace or control characters.
 */
export function normalizeOciReference(reference: string): string {
  // Whitespace and control characters would be ambiguous in the cache identity file.
  // eslint-disable-next-line no-control-regex
  if (typeof reference !== 'string' || reference === '' || /[\s\u0000-\u001f\u007f]/.test(reference)) {
    throw new LinuxRuntimeError(
      'ERR_METALOR_OCI_REFERENCE_INVALID',
      `OCI image reference ${JSON.stringify(reference)} is invalid: expected a non-empty reference without whitespace, e.g. "oci:/path/layout:tag" or "debian:12"`,
    );
  }
  if (reference.includes('://') || PASS_THROUGH_PREFIXES.some((prefix) => reference.startsWith(prefix))) {
    return reference;
  }
  return `docker://${reference}`;
}
