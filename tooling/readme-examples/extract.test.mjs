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

/** A throw-away package directory with this name and README, removed after `fn`. */
function withFixturePackage(name, readme, fn) {
  const dir = mkdtempSync(path.join(tmpdir(), 'readme-examples-'));
  try {
    const pkg = path.join(dir, 'pkg');
    mkdirSync(pkg);
    writeFileSync(path.join(pkg, 'package.json'), JSON.stringify({ name, type: 'module' }));
    writeFileSync(path.join(pkg, 'README.md'), readme);
    fn(pkg);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const runRunner = (...args) => spawnSync(process.execPath, [RUNNER, ...args], { encoding: 'utf8', cwd: path.dirname(RUNNER) });

test('the runner passes a working example, fails a broken one with its README line, and leaves no file', () => {
  const readme = [
    '# fixture', '', '```ts', "import assert from 'node:assert/strict';", 'const n: number = 1 + 1;', 'assert.equal(n, 2);', '```', '',
    '```ts', "import assert from 'node:assert/strict';", 'assert.equal(1, 2);', '```', '',
  ].join('\n');
  withFixturePackage('fixture', readme, (pkg) => {
    const run = runRunner(pkg);
    assert.equal(run.status, 1, run.stdout + run.stderr);
    assert.match(run.stdout, /ok {4}.*README\.md:3 \(example 1\)/);
    assert.match(run.stdout, /FAIL  .*README\.md:9 \(example 2\)/);
    assert.match(run.stdout, /AssertionError/);
    assert.deepEqual(readdirSync(pkg).sort(), ['README.md', 'package.json']);
  });
});

test('--require-all fails a README without an install line or without examples', () => {
  withFixturePackage('@scope/fixture', '# fixture\n\n```sh\nnpm i something-else\n```\n', (pkg) => {
    const run = runRunner('--require-all', pkg);
    assert.equal(run.status, 1, run.stdout + run.stderr);
    assert.match(run.stdout, /FAIL .*README\.md: no ```ts example/);
    assert.match(run.stdout, /FAIL .*README\.md: no install line `npm install @scope\/fixture`/);
  });
  withFixturePackage('@scope/fixture', '# fixture\n\n```sh\nnpm install @scope/fixture\n```\n\n```ts\nconsole.log(1);\n```\n', (pkg) => {
    assert.equal(runRunner('--require-all', pkg).status, 0);
  });
});
