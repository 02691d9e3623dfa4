import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCell, runContainer, type ContainerRunCommand } from '../src/index.js';
import { busyboxRoot, hostMountsMentioning, makePrefix, processesWith, removePrefix } from './support/cell-host.js';
import path from 'node:path';
import { readdir } from 'node:fs/promises';

let prefix: string;
let root: string;
const MARKER = `metalor-stress-${process.pid}`;

beforeAll(async () => {
  prefix = await makePrefix('stress');
  root = await busyboxRoot(prefix);
});
afterAll(() => removePrefix(prefix));

const command = (i: number): ContainerRunCommand => ({
  root,
  cwd: '/',
  mounts: [{ source: prefix, destination: '/host-prefix', readOnly: true }],
  env: [['PATH', '/bin'], ['MARK', MARKER]],
  executable: '/bin/sh',
  argv: ['-c', `echo ${i}; sleep 0 & wait`, MARKER],
});

async function expectNothingLeft(): Promise<void> {
  expect(await hostMountsMentioning(prefix)).toEqual([]);
  expect(processesWith(MARKER)).toEqual([]);
  expect((await readdir(prefix)).filter((name) => name.startsWith('.metalor-fstab'))).toEqual([]);
}

describe('many cells', () => {
  it('200 in a row leave no mounts, processes or files behind', async () => {
    for (let i = 0; i < 200; i += 1) {
      const result = await runContainer(command(i), { runtimeRootPrefix: prefix, backend: i % 2 ? 'rootlessUser' : 'privileged' });
      expect(result.stdout).toBe(`${i}\n`);
    }
    await expectNothingLeft();
  }, 120_000);

  it('8 at once (containers and build cells) leave nothing behind', async () => {
    const containers = Array.from({ length: 4 }, (_, i) => runContainer(command(i), { runtimeRootPrefix: prefix }));
    const cells = Array.from({ length: 4 }, (_, i) =>
      runCell(
        {
          root,
          scratch: path.join(prefix, `scratch-${i}`),
          workspacePath: '/w',
          workspaceSeed: { kind: 'empty' },
          imports: [],
          caches: [],
          exports: [],
          command: { cwd: '/w', executable: '/bin/sh', argv: ['-c', `echo cell ${i}`, MARKER] },
          env: [],
          network: 'disabled',
          limits: { maxProcesses: 8 },
          cleanup: 'always',
        },
        { runtimeRootPrefix: prefix },
      ),
    );
    const results = await Promise.all([...containers, ...cells]);
    expect(results.map((result) => result.stdout)).toEqual(['0\n', '1\n', '2\n', '3\n', 'cell 0\n', 'cell 1\n', 'cell 2\n', 'cell 3\n']);
    await expectNothingLeft();
  }, 60_000);
});
