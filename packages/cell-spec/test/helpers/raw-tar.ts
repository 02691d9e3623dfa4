import { gzipSync } from 'node:zlib';

/** One hand-made tar entry. Types: '0' file, '1' hard link, '2' symlink, '3' char device, '4' block device, '5' directory, '6' FIFO. */
export interface RawEntry {
  path: string;
  type?: '0' | '1' | '2' | '3' | '4' | '5' | '6';
  content?: string;
  linkpath?: string;
  mode?: number;
}

function octal(value: number, width: number): string {
  return `${value.toString(8).padStart(width - 1, '0')}\0`;
}

function header(name: string, type: string, size: number, mode: number, linkpath: string): Buffer {
  const block = Buffer.alloc(512);
  block.write(name.slice(0, 100), 0, 'utf8');
  block.write(octal(mode, 8), 100);
  block.write(octal(0, 8), 108);
  block.write(octal(0, 8), 116);
  block.write(octal(size, 12), 124);
  block.write(octal(1_700_000_000, 12), 136);
  block.write('        ', 148);
  block.write(type, 156);
  block.write(linkpath.slice(0, 100), 157, 'utf8');
  block.write('ustar\0', 257);
  block.write('00', 263);
  let sum = 0;
  for (const byte of block) sum += byte;
  block.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
  return block;
}

function padded(data: Buffer): Buffer[] {
  const rest = data.length % 512;
  return rest === 0 ? [data] : [data, Buffer.alloc(512 - rest)];
}

/** A pax record `"<len> key=value\n"`, where len counts the whole record. */
function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`;
  let length = Buffer.byteLength(body) + 1;
  while (`${length}${body}`.length !== length) length += 1;
  return `${length}${body}`;
}

/**
 * Writes tar bytes exactly as given, with none of the sanitizing a real tar writer does,
 * so tests can build the malicious archives the unpacker must refuse. Long paths and
 * link targets go through a pax header.
 */
export function rawTar(entries: RawEntry[], gzip = false): Buffer {
  const blocks: Buffer[] = [];
  for (const entry of entries) {
    const type = entry.type ?? '0';
    const content = Buffer.from(entry.content ?? '', 'utf8');
    const linkpath = entry.linkpath ?? '';
    if (Buffer.byteLength(entry.path) > 100 || Buffer.byteLength(linkpath) > 100) {
      const pax = Buffer.from(paxRecord('path', entry.path) + (linkpath ? paxRecord('linkpath', linkpath) : ''));
      blocks.push(header('PaxHeader', 'x', pax.length, 0o644, ''), ...padded(pax));
    }
    const size = type === '0' ? content.length : 0;
    blocks.push(header(entry.path, type, size, entry.mode ?? (type === '5' ? 0o755 : 0o644), linkpath));
    if (size > 0) blocks.push(...padded(content));
  }
  blocks.push(Buffer.alloc(1024));
  const tar = Buffer.concat(blocks);
  return gzip ? gzipSync(tar) : tar;
}
