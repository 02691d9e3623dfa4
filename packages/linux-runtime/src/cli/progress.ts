import type { OciProgressEvent } from '../oci/progress.js';

/** Where progress goes: a stream and whether it is a terminal. */
export interface ProgressTarget {
  write(text: string): unknown;
  isTTY?: boolean | undefined;
}

/**
 * A listener for `prepareOciRootfs` progress that writes one line per phase, only when the
 * target is a terminal and `quiet` is off: people watching see what takes time, while logs
 * and pipes stay clean. Returns `undefined` when there is nothing to show.
 */
export function createProgressReporter(target: ProgressTarget, quiet: boolean): ((event: OciProgressEvent) => void) | undefined {
  if (quiet || target.isTTY !== true) return undefined;
  return (event) => {
    target.write(`metalor: ${describeProgress(event)}\n`);
  };
}

/** One human line for a progress event. */
export function describeProgress(event: OciProgressEvent): string {
  switch (event.type) {
    case 'copying':
      return `copying ${event.reference} (skopeo)...`;
    case 'unpacking':
      return 'unpacking the image (umoci)...';
    case 'cache-hit':
      return `using the cached image ${event.reference}`;
    case 'done':
      return `root filesystem ready in ${(event.elapsedMs / 1000).toFixed(2)}s`;
  }
}
