import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';

/** The fingerprint of a local source that cannot be read (skopeo will say why). */
export const UNREADABLE_SOURCE = 'unreadable';

const ANNOTATION_REF_NAME = 'org.opencontainers.image.ref.name';

/** `transport:PATH[:REF]` split at the first `:` after the transport, as skopeo does. */
function splitLocalReference(source: string, transport: string): { file: string; ref: string } {
  const rest = source.slice(transport.length);
  const colon = rest.indexOf(':');
  return colon === -1 ? { file: rest, ref: '' } : { file: rest.slice(0, colon), ref: rest.slice(colon + 1) };
}

function sha256(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/**
 * An OCI layout is content-addressed: the digest of the manifest its `index.json` names for
 * the tag identifies the image exactly (the whole index when the tag is not found, so that
 * skopeo reports the error). Reading one small file keeps a warm prepare flat in image size.
 */
async function layoutFingerprint(dir: string, ref: string): Promise<string> {
  const text = await readFile(path.join(dir, 'index.json'));
  try {
    const index = JSON.parse(text.toString('utf8')) as { manifests?: { digest?: unknown; annotations?: Record<string, unknown> }[] };
    const manifests = Array.isArray(index.manifests) ? index.manifests : [];
    const named = ref === '' && manifests.length === 1 ? manifests[0] : manifests.find((m) => m?.annotations?.[ANNOTATION_REF_NAME] === ref);
    if (typeof named?.digest === 'string') return `manifest ${named.digest}`;
  } catch {
    // Not JSON: fall back to the bytes.
  }
  return `index ${sha256(text)}`;
}

/** An archive is rewritten, not edited, when an image is rebuilt: its inode, size or mtime change. */
async function fileFingerprint(file: string): Promise<string> {
  const stats = await stat(file, { bigint: true });
  return `file dev=${stats.dev} ino=${stats.ino} size=${stats.size} mtime=${stats.mtimeNs} ctime=${stats.ctimeNs}`;
}

/**
 * What identifies the content behind a local image reference today, so that a cache entry
 * made for an older build under the same reference is seen as stale: the referenced
 * manifest digest of an `oci:` layout, the manifest of a `dir:` image, the identity
 * (device, inode, size, times) of an `oci-archive:` or `docker-archive:` file. Remote and
 * other references have none (`null`): their cache entry stands for the reference.
 * An unreadable local source gives {@link UNREADABLE_SOURCE}, which matches no entry.
 */
export async function sourceFingerprint(source: string): Promise<string | null> {
  try {
    if (source.startsWith('oci:')) {
      const { file, ref } = splitLocalReference(source, 'oci:');
      return await layoutFingerprint(file, ref);
    }
    if (source.startsWith('dir:')) {
      return `manifest ${sha256(await readFile(path.join(source.slice('dir:'.length), 'manifest.json')))}`;
    }
    for (const transport of ['oci-archive:', 'docker-archive:']) {
      if (source.startsWith(transport)) return await fileFingerprint(splitLocalReference(source, transport).file);
    }
  } catch {
    return UNREADABLE_SOURCE;
  }
  return null;
}
