// The metalor demo (`npm run demo`; tooling/scripts/demo.sh sets the machine up first).
//
// Builds a small busybox OCI image locally (no registry), prepares it as a root filesystem,
// runs a build cell that reads a seeded workspace, a read-only import and a cache and
// writes an export, runs the same request again through the `metalor` CLI, and prints the
// exported result and how long each phase took.
//
//   npm run demo                                  the embedded local busybox image
//   npm run demo -- --image docker://alpine:3.20  any image skopeo can copy (needs a registry)
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { writeBuildCellRequest, type BuildCellSpec } from '../../packages/cell-spec/src/index.ts';
import { prepareOciRootfs, runCell } from '../../packages/linux-runtime/src/index.ts';
import { runCli } from '../../packages/linux-runtime/src/cli/main.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const DEMO = path.join(ROOT, '.cache', 'demo');
const USAGE = 'Usage: npm run demo [-- --image REF]\n  REF defaults to the local busybox image built by tooling/scripts/test-images.sh\n';

const timings: [string, number][] = [];
async function phase<T>(label: string, work: () => Promise<T> | T): Promise<T> {
  process.stdout.write(`\n[${timings.length + 1}] ${label}\n`);
  const started = performance.now();
  const result = await work();
  const seconds = (performance.now() - started) / 1000;
  timings.push([label, seconds]);
  process.stdout.write(`    done in ${seconds.toFixed(2)}s\n`);
  return result;
}

function parseDemoArgs(): { image: string | undefined } {
  try {
    const { values } = parseArgs({ options: { image: { type: 'string' }, help: { type: 'boolean', short: 'h' } }, strict: true });
    if (values.help) {
      process.stdout.write(USAGE);
      process.exit(0);
    }
    return { image: values.image };
  } catch (error) {
    process.stderr.write(`demo: ${(error as Error).message}\n${USAGE}`);
    process.exit(2);
  }
}

/** The local busybox image (an index of amd64 and arm64: skopeo picks this host's). */
function buildLocalImage(): string {
  const out = execFileSync('bash', [path.join(ROOT, 'tooling/scripts/test-images.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  const line = out.split('\n').find((l) => l.startsWith('METALOR_TEST_IMAGE_MULTI='));
  assert.ok(line, `tooling/scripts/test-images.sh printed no METALOR_TEST_IMAGE_MULTI:\n${out}`);
  return line.slice('METALOR_TEST_IMAGE_MULTI='.length);
}

/** Host-side inputs: a workspace snapshot, an import, a cache that outlives the cell. */
async function seedInputs() {
  const inputs = path.join(DEMO, 'inputs');
  const workspace = path.join(inputs, 'workspace');
  const imported = path.join(inputs, 'toolchain');
  await rm(inputs, { recursive: true, force: true });
  await mkdir(workspace, { recursive: true });
  await mkdir(imported, { recursive: true });
  await writeFile(path.join(workspace, 'recipe.txt'), 'flour\nwater\nsalt\nyeast\n');
  await writeFile(path.join(workspace, 'build.sh'), [
    'set -eu',
    '# The cache survives the cell: count the builds in it.',
    'n=$(( $(cat /cache/builds 2>/dev/null || echo 0) + 1 ))',
    'echo "$n" > /cache/builds',
    'mkdir -p out',
    '{',
    '  echo "greeting:   $(cat /toolchain/greeting.txt)"',
    '  echo "recipe:     $(wc -l < recipe.txt) ingredients, sorted: $(sort recipe.txt | tr \'\\n\' \' \')"',
    '  echo "build:      #$n (counted in the cache)"',
    '  echo "cell:       $(uname -m), uid $(id -u), network interfaces: $(tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d \' \' | tr \'\\n\' \' \')"',
    '} > out/report.txt',
    'echo "build #$n wrote out/report.txt"',
    '',
  ].join('\n'));
  await writeFile(path.join(imported, 'greeting.txt'), 'hello from a read-only import\n');
  return { workspace, imported, cache: path.join(DEMO, 'cache'), exported: path.join(DEMO, 'out') };
}

async function main(): Promise<void> {
  const args = parseDemoArgs();
  const state = path.join(DEMO, 'state');
  await mkdir(state, { recursive: true });
  process.stdout.write('metalor demo: a build cell in an OCI root filesystem, in private Linux namespaces\n');

  const image = args.image ?? await phase('build the local busybox OCI image (umoci, no registry)', buildLocalImage);
  process.stdout.write(`    image: ${image}${args.image === undefined ? '' : ' (from --image)'}\n`);

  const root = await phase('prepare the root filesystem (skopeo copy + umoci unpack, cached)', () =>
    prepareOciRootfs(image, state, path.join(state, 'demo-package'), {
      cacheRoot: path.join(DEMO, 'oci-cache'),
      onProgress: (event) => {
        if (event.type === 'cache-hit') process.stdout.write('    cache hit: the unpacked image is reused\n');
        if (event.type === 'copying' || event.type === 'unpacking') process.stdout.write(`    ${event.type}...\n`);
      },
    }));

  const inputs = await phase('seed the inputs (workspace, import, cache)', seedInputs);
  const spec: BuildCellSpec = {
    root,
    scratch: path.join(state, 'demo-scratch'),
    workspacePath: '/work',
    workspaceSeed: { kind: 'snapshotDir', path: inputs.workspace },
    imports: [{ source: inputs.imported, destination: '/toolchain' }],
    caches: [{ source: inputs.cache, destination: '/cache' }],
    exports: [{ source: '/work/out', destination: inputs.exported }],
    command: { cwd: '/work', executable: '/bin/sh', argv: ['build.sh'] },
    env: [['PATH', '/usr/local/bin:/usr/bin:/bin']],
    network: 'disabled',
    limits: {},
    cleanup: 'always',
  };

  const outcome = await phase('run the build cell (runCell)', () => runCell(spec, {
    runtimeRootPrefix: state,
    stdio: { stdout: (line) => process.stdout.write(`    cell | ${line}\n`), stderr: (line) => process.stdout.write(`    cell ! ${line}\n`) },
  }));
  assert.equal(outcome.exitCode, 0, `the build cell failed: ${JSON.stringify(outcome)}`);
  process.stdout.write(`\nexported ${path.join(inputs.exported, 'report.txt')}:\n`);
  process.stdout.write((await readFile(path.join(inputs.exported, 'report.txt'), 'utf8')).replace(/^(?=.)/gm, '    '));

  const requestFile = path.join(DEMO, 'request.json');
  await writeBuildCellRequest(requestFile, spec);
  const status = await phase(`the same request through the CLI: metalor cell ${path.relative(ROOT, requestFile)}`, () =>
    runCli(['cell', '--state-dir', state, requestFile], {
      stdout: { write: (text: string) => process.stdout.write(text.replace(/^(?=.)/gm, '    metalor | ')) },
      stderr: process.stderr,
      env: process.env,
      cwd: ROOT,
    }));
  assert.equal(status, 0, `metalor cell exited ${status}`);
  const report = await readFile(path.join(inputs.exported, 'report.txt'), 'utf8');
  process.stdout.write(`    export now says: ${report.split('\n').find((l) => l.startsWith('build:'))}\n`);

  const total = timings.reduce((sum, [, seconds]) => sum + seconds, 0);
  process.stdout.write('\nphase timings:\n');
  for (const [label, seconds] of timings) process.stdout.write(`  ${seconds.toFixed(2).padStart(6)}s  ${label}\n`);
  process.stdout.write(`  ${total.toFixed(2).padStart(6)}s  total\n\ndemo: ok\n`);
}

try {
  await main();
} catch (error) {
  const code = (error as { code?: unknown }).code;
  process.stderr.write(`\ndemo: FAILED: ${typeof code === 'string' ? `${code}: ` : ''}${(error as Error).message ?? String(error)}\n`);
  process.stderr.write('demo: `npm run metalor -- probe` shows what this host supports\n');
  process.exit(1);
}
