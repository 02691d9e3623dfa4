// node --test tooling/readme-examples/ : the extractor and the runner report what they must.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { extractTsBlocks } from './extract.mjs';

const RUNNER = path.join(path.dirname(fileURLToPath(import.meta.url)), 'run.mjs');

test('extracts ts and typescript blocks with the line of their opening fence, skipping others', () => {
  const md = ['# t', '```ts', 'a();', '```', '', '```sh', 'npm i x', '```', '~~~typescript title', 'b();', '~~~', '````ts', '```', 'c', '````'].join('\n');
  assert.deepEqual(extractTsBlocks(md), [
    { line: 2, code: 'a();\n' },
    { line: 9, code: 'b();\n' },
    { line: 12, code: '```\nc\n' },
  ]);
});

test('handles CRLF and indented fences', () => {
  assert.deepEqual(extractTsBlocks('  ```ts\r\n  x();\r\n  ```\r\n'), [{ line: 1, code: 'x();\n' }]);
});

test('the runner passes a working example, fails a broken one with its README line, and leaves no file', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'readme-examples-'));
  try {
    const pkg = path.join(dir, 'pkg');
    mkdirSync(pkg);
    writeFileSync(path.join(pkg, 'package.json'), '{"name":"fixture","type":"module"}');
    writeFileSync(path.join(pkg, 'README.md'), [
      '# fixture', '', '```ts', "import assert from 'node:assert/strict';", 'const n: number = 1 + 1;', 'assert.equal(n, 2);', '```', '',
      '```ts', "import assert from 'node:assert/strict';", 'assert.equal(1, 2);', '```', '',
    ].join('\n'));
    const run = spawnSync(process.execPath, [RUNNER, pkg], { encoding: 'utf8', cwd: path.dirname(RUNNER) });
    assert.equal(run.status, 1, run.stdout + run.stderr);
    assert.match(run.stdout, /ok {4}.*README\.md:3 \(example 1\)/);
    assert.match(run.stdout, /FAIL  .*README\.md:9 \(example 2\)/);
    assert.match(run.stdout, /AssertionError/);
    assert.deepEqual(readdirSync(pkg).sort(), ['README.md', 'package.json']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('--require-all fails a README without an install line or without examples', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'readme-examples-'));
  try {
    const pkg = path.join(dir, 'pkg');
    mkdirSync(pkg);
    writeFileSync(path.join(pkg, 'package.json'), '{"name":"@scope/fixture","type":"module"}');
    writeFileSync(path.join(pkg, 'README.md'), '# fixture\n\n```sh\nnpm i something-else\n```\n');
    const run = spawnSync(process.execPath, [RUNNER, '--require-all', pkg], { encoding: 'utf8' });
    assert.equal(run.status, 1, run.stdout + run.stderr);
    assert.match(run.stdout, /FAIL .*README\.md: no ```ts example/);
    assert.match(run.stdout, /FAIL .*README\.md: no install line `npm install @scope\/fixture`/);
    writeFileSync(path.join(pkg, 'README.md'), '# fixture\n\n```sh\nnpm install @scope/fixture\n```\n\n```ts\nconsole.log(1);\n```\n');
    assert.equal(spawnSync(process.execPath, [RUNNER, '--require-all', pkg], { encoding: 'utf8' }).status, 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
