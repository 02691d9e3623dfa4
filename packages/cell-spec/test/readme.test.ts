import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const PACKAGE_DIR = fileURLToPath(new URL('..', import.meta.url));
const blocks = [...readFileSync(path.join(PACKAGE_DIR, 'README.md'), 'utf8').matchAll(/```ts\n([\s\S]*?)```/g)].map((match) => match[1]!);

let dir: string;
beforeAll(async () => {
  // Inside the package, so '@metalor/cell-spec' resolves to this package through its exports.
  dir = await mkdtemp(path.join(PACKAGE_DIR, 'test', '.readme-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('README examples', () => {
  it('has runnable examples', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(3);
  });

  it.each(blocks.map((code, index) => [index + 1, code] as const))('example %i runs and its assertions hold', async (index, code) => {
    const file = path.join(dir, `example-${index}.ts`);
    await writeFile(file, code);
    const result = await execa(process.execPath, ['--import', 'tsx', '--conditions=@metalor/source', file], { cwd: PACKAGE_DIR, reject: false });
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
  });
});
