import { runTool } from './run-tool.js';
import { emitProgress, type OciProgressListener } from './progress.js';

/** Tag under which a copied layout holds the image, as in the crate. */
export const LAYOUT_TAG = 'image';

/**
 * `skopeo copy --multi-arch system [--override-arch A] SOURCE oci:LAYOUT:image`.
 *
 * @throws {LinuxRuntimeError} `ERR_METALOR_TOOL_FAILED` with context "copy OCI image X into Y" and skopeo's stderr.
 */
export async function copyImage(source: string, layout: string, arch: string | undefined, onProgress?: OciProgressListener, signal?: AbortSignal): Promise<void> {
  emitProgress(onProgress, { type: 'copying', reference: source, destination: layout });
  const args = ['copy', '--quiet', '--multi-arch', 'system', ...(arch ? ['--override-arch', arch] : []), source, `oci:${layout}:${LAYOUT_TAG}`];
  await runTool('skopeo', args, `copy OCI image ${source} into ${layout}`, signal);
}

/**
 * `umoci unpack --rootless --keep-dirlinks --image LAYOUT:image BUNDLE`.
 *
 * @throws {LinuxRuntimeError} `ERR_METALOR_TOOL_FAILED` with context "unpack OCI image X into Y" and umoci's stderr.
 */
export async function unpackImage(layout: string, bundle: string, onProgress?: OciProgressListener, signal?: AbortSignal): Promise<void> {
  emitProgress(onProgress, { type: 'unpacking', layout, destination: bundle });
  const args = ['unpack', '--rootless', '--keep-dirlinks', '--image', `${layout}:${LAYOUT_TAG}`, bundle];
  await runTool('umoci', args, `unpack OCI image ${layout} into ${bundle}`, signal);
}
