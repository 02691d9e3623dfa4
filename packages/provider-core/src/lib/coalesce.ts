import { Transform } from 'node:stream';

/**
 * Gathers node-tar's many small chunks (a 512-byte header per file) into larger writes, so
 * a tree of small files costs a pipe write per batch rather than two per file.
 */
export function coalesceChunks(batchBytes = 256 * 1024): Transform {
  let pending: Buffer[] = [];
  let size = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      pending.push(chunk);
      size += chunk.length;
      if (size >= batchBytes) {
        this.push(pending.length === 1 ? chunk : Buffer.concat(pending, size));
        pending = [];
        size = 0;
      }
      callback();
    },
    flush(callback) {
      if (size > 0) this.push(Buffer.concat(pending, size));
      callback();
    },
  });
}
