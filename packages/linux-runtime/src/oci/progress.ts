/**
 * Structured progress of `prepareOciRootfs`, for progress bars and logs:
 * `copying` (skopeo into a layout), `unpacking` (umoci into a bundle), `cache-hit`
 * (a cached entry is reused), `done` (the rootfs is ready).
 */
export type OciProgressEvent =
  | { type: 'copying'; reference: string; destination: string }
  | { type: 'unpacking'; layout: string; destination: string }
  | { type: 'cache-hit'; reference: string; entry: string }
  | { type: 'done'; rootfs: string; cached: boolean; elapsedMs: number };

/** Receives {@link OciProgressEvent}s; exceptions it throws are ignored. */
export type OciProgressListener = (event: OciProgressEvent) => void;

/** Call the listener, never letting a faulty listener break the preparation. */
export function emitProgress(listener: OciProgressListener | undefined, event: OciProgressEvent): void {
  try {
    listener?.(event);
  } catch {
    // A progress display must not be able to fail a prepare.
  }
}
