// Runs every TypeScript example of every package README, so a README cannot drift from
// the code (the Rust crate does the same with its readme doctest).
//
// Each ```ts block is written to a temporary file inside its package directory (so the
// package's own name and dependencies resolve as they would for a user) and run with
// `node --import tsx --conditions=@metalor/source`, on the node that runs this script.
// A block passes when it exits 0; examples assert with node:assert/strict.
//
// Usage: node tooling/readme-examples/run.mjs [--require-all] [packages/<name> ...]
//   --require-all  fail when a package has no README.md, no ts example or no `npm install <name>` line
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { extractTsBlocks } from './extract.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const TIMEOUT_MS = 120_000;
// Resolved from the workspace root, so an example runs wherever its package lives.
const TSX = import.meta.resolve('tsx');
const CONCURRENCY = 2;

const args = process.argv.slice(2);
const requireAll = args.includes('--require-all');
const chosen = args.filter((a) => !a.startsWith('--')).map((a) => path.resolve(a));
const packageDirs = chosen.length > 0 ? chosen : readdirSync(path.join(ROOT, 'packages'))
  .map((name) => path.join(ROOT, 'packages', name))
  .filter((dir) => existsSync(path.join(dir, 'package.json')))
  .sort();

const started = Date.now();
let failures = 0;
const report = (ok, what, detail = '') => {
  if (!ok) failures++;
  console.log(`readme-examples: ${ok ? 'ok   ' : 'FAIL '} ${what}${detail ? `\n${detail.replace(/^/gm, '    ')}` : ''}`);
};

function runBlock(file, cwd) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', TSX, '--conditions=@metalor/source', file], {
      cwd, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NODE_NO_WARNINGS: '1' },
    });
    let output = '';
    child.stdout.on('data', (d) => { output += d; });
    child.stderr.on('data', (d) => { output += d; });
    const timer = setTimeout(() => { output += `\n(killed after ${TIMEOUT_MS / 1000}s)`; child.kill('SIGKILL'); }, TIMEOUT_MS);
    child.on('close', (code, signal) => { clearTimeout(timer); resolve({ code, signal, output }); });
  });
}

const jobs = [];
for (const dir of packageDirs) {
  const readme = path.join(dir, 'README.md');
  const rel = path.relative(ROOT, readme);
  if (!existsSync(readme)) {
    if (requireAll) report(false, `${rel}: missing`);
    continue;
  }
  const markdown = readFileSync(readme, 'utf8');
  const blocks = extractTsBlocks(markdown);
  if (requireAll) {
    if (blocks.length === 0) report(false, `${rel}: no \`\`\`ts example`);
    const name = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')).name;
    if (!markdown.includes(`npm install ${name}`)) report(false, `${rel}: no install line \`npm install ${name}\``);
  }
  // A directory of our own per run, so two Node versions or two runs never collide.
  const scratch = path.join(dir, `.readme-examples-${process.pid}`);
  blocks.forEach((block, index) => jobs.push({ dir, scratch, rel, block, index }));
}

const scratchDirs = new Set(jobs.map((j) => j.scratch));
try {
  for (const dir of scratchDirs) mkdirSync(dir, { recursive: true });
  let next = 0;
  const results = new Array(jobs.length);
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (next < jobs.length) {
      const job = jobs[next++];
      const file = path.join(job.scratch, `example-${job.index + 1}-line-${job.block.line}.ts`);
      writeFileSync(file, job.block.code);
      results[jobs.indexOf(job)] = await runBlock(file, job.dir);
    }
  }));
  jobs.forEach((job, i) => {
    const { code, signal, output } = results[i];
    const where = `${job.rel}:${job.block.line} (example ${job.index + 1})`;
    report(code === 0, where, code === 0 ? '' : `exit ${code ?? signal}\n${output.trim()}`);
  });
} finally {
  for (const dir of scratchDirs) rmSync(dir, { recursive: true, force: true });
}

console.log(`readme-examples: ${jobs.length} examples on node ${process.version}, ${failures ? `${failures} FAILED` : 'passed'} in ${((Date.now() - started) / 1000).toFixed(1)}s`);
process.exit(failures ? 1 : 0);
