import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openReadSocketPair } from './socket-pair.js';

let temp: string;
let previousTmp: string | undefined;
beforeEach(() => {
  temp = mkdtempSync(path.join(tmpdir(), 'metalor-pair-test-'));
  previousTmp = process.env.TMPDIR;
  process.env.TMPDIR = temp;
});
afterEach(() => {
  if (previousTmp === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = previousTmp;
  rmSync(temp, { recursive: true, force: true });
});

describe('openReadSocketPair', () => {
  it('gives a child one end and reads all it writes into one reused buffer, leaving no socket file behind', async () => {
    const chunks: Buffer[] = [];
    const backing = new Set<ArrayBufferLike>();
    const pair = await openReadSocketPair(64 * 1024, (bytes) => {
      backing.add(bytes.buffer);
      chunks.push(Buffer.from(bytes));
      return true;
    });
    if (!pair) throw new Error('expected a socket pair on Linux');
    expect(readdirSync(temp)).toEqual([]);
    const closed = new Promise((resolve) => pair.local.once('close', resolve));
    // 3 MB of numbered lines: any lost, repeated or reordered read shows.
    const child = spawn('sh', ['-c', 'seq 1 400000'], { stdio: ['ignore', pair.remote, 'inherit'] });
    pair.remote.destroy();
    const [status] = await Promise.all([new Promise((resolve) => child.once('close', resolve)), closed]);
    expect(status).toBe(0);
    const lines = Buffer.concat(chunks).toString('latin1').split('\n');
    expect(lines.length).toBe(400001);
    expect(lines[0]).toBe('1');
    expect(lines[399999]).toBe('400000');
    expect(lines.every((line, index) => index === 400000 || line === String(index + 1))).toBe(true);
    expect(chunks.length).toBeGreaterThan(1);
    expect(backing.size).toBe(1);
  });

  it('falls back to undefined when the temp directory is too long to name a socket in', async () => {
    const deep = path.join(temp, 'd'.repeat(60), 'e'.repeat(60));
    mkdirSync(deep, { recursive: true });
    process.env.TMPDIR = deep;
    expect(await openReadSocketPair(1024, () => true)).toBeUndefined();
    expect(readdirSync(deep)).toEqual([]);
  });
});
