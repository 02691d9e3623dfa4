// Runs `changeset version` in temporary copies of the workspace's manifests and checks
// the versions and changelogs it writes:
//   1. a sample minor change to @metalor/cell-spec bumps it to the next minor, writes its
//      CHANGELOG.md, and gives every dependent a patch bump that names the new version;
//   2. the changesets really present in .changeset/ apply cleanly (no unknown package,
//      no malformed front matter) and bump exactly the packages they name.
// Usage: node tooling/packaging/check-changesets.mjs   (exit 1 on the first failed check)
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const CHANGESET = path.join(ROOT, 'node_modules/.bin/changeset');
const started = Date.now();
let failures = 0;

/** Copies what `changeset version` reads: workspace manifests and the changeset config, nothing else. */
function copyWorkspaceManifests(withRealChangesets) {
  const dir = mkdtempSync(path.join(tmpdir(), 'metalor-changesets-'));
  for (const file of ['package.json', 'pnpm-workspace.yaml', '.changeset/config.json', 'tooling/bench/package.json']) {
    cpSync(path.join(ROOT, file), path.join(dir, file));
  }
  for (const name of readdirSync(path.join(ROOT, 'packages'))) {
    const manifest = path.join(ROOT, 'packages', name, 'package.json');
    if (existsSync(manifest)) cpSync(manifest, path.join(dir, 'packages', name, 'package.json'));
  }
  if (withRealChangesets) {
    for (const file of realChangesets()) cpSync(path.join(ROOT, '.changeset', file), path.join(dir, '.changeset', file));
  }
  // changesets reads git for some commands; a repository keeps it on the path it takes in CI.
  execFileSync('git', ['init', '-q', '-b', 'main'], { cwd: dir });
  return dir;
}

function realChangesets() {
  return readdirSync(path.join(ROOT, '.changeset')).filter((f) => f.endsWith('.md') && f !== 'README.md');
}

function runVersion(dir) {
  execFileSync(CHANGESET, ['version'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
}

const read = (dir, file) => readFileSync(path.join(dir, file), 'utf8');
const manifest = (dir, name) => JSON.parse(read(dir, `packages/${name}/package.json`));
const bumpMinor = (v) => { const [a, b] = v.split('.').map(Number); return `${a}.${b + 1}.0`; };
const bumpPatch = (v) => { const [a, b, c] = v.split('.').map(Number); return `${a}.${b}.${c + 1}`; };

/** Packages whose manifest names `dependency` among dependencies or peerDependencies. */
function dependentsOf(dir, dependency) {
  return readdirSync(path.join(dir, 'packages')).filter((name) => {
    const pkg = manifest(dir, name);
    return Boolean(pkg.dependencies?.[dependency] ?? pkg.peerDependencies?.[dependency]);
  });
}

function check(label, fn) {
  let dir;
  try {
    dir = fn();
    console.log(`check-changesets: ok    ${label}`);
  } catch (error) {
    failures++;
    console.log(`check-changesets: FAIL  ${label}\n    ${String(error?.stderr ?? '') || error.message}`.trimEnd());
  }
  return dir;
}

check('a sample minor change to @metalor/cell-spec versions it and its dependents', () => {
  const dir = copyWorkspaceManifests(false);
  try {
    const before = Object.fromEntries(readdirSync(path.join(dir, 'packages')).map((n) => [n, manifest(dir, n).version]));
    const summary = 'Sample: request files gain a `comment` field.';
    writeFileSync(path.join(dir, '.changeset/sample-change.md'), `---\n"@metalor/cell-spec": minor\n---\n\n${summary}\n`);
    runVersion(dir);

    const next = bumpMinor(before['cell-spec']);
    assert.equal(manifest(dir, 'cell-spec').version, next, 'cell-spec version');
    const changelog = read(dir, 'packages/cell-spec/CHANGELOG.md');
    assert.match(changelog, /^# @metalor\/cell-spec\n/, 'changelog title');
    assert.ok(changelog.includes(`## ${next}\n\n### Minor Changes\n`), `changelog has a "## ${next}" minor section:\n${changelog}`);
    assert.ok(changelog.includes(summary), 'changelog carries the summary');
    assert.ok(!existsSync(path.join(dir, '.changeset/sample-change.md')), 'the changeset is consumed');

    const dependents = dependentsOf(dir, '@metalor/cell-spec');
    assert.ok(dependents.length > 0, 'some package depends on cell-spec');
    for (const name of dependents) {
      assert.equal(manifest(dir, name).version, bumpPatch(before[name]), `${name} gets a patch bump`);
      assert.equal(manifest(dir, name).dependencies['@metalor/cell-spec'], 'workspace:^', `${name} keeps the workspace range`);
      const log = read(dir, `packages/${name}/CHANGELOG.md`);
      assert.ok(log.includes('### Patch Changes') && log.includes(`@metalor/cell-spec@${next}`),
        `${name} changelog names the new cell-spec:\n${log}`);
    }
    for (const name of Object.keys(before).filter((n) => n !== 'cell-spec' && !dependents.includes(n))) {
      assert.equal(manifest(dir, name).version, before[name], `${name} is untouched`);
      assert.ok(!existsSync(path.join(dir, `packages/${name}/CHANGELOG.md`)), `${name} gets no changelog`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

check(`the ${realChangesets().length} changesets in .changeset/ apply and bump the packages they name`, () => {
  const dir = copyWorkspaceManifests(true);
  try {
    const named = new Set();
    for (const file of realChangesets()) {
      const front = /^---\n([\s\S]*?)\n---/.exec(read(dir, `.changeset/${file}`));
      assert.ok(front, `${file}: front matter between --- lines`);
      for (const line of front[1].split('\n').filter(Boolean)) {
        const m = /^["']?(@metalor\/[a-z-]+)["']?:\s*(major|minor|patch)\s*$/.exec(line);
        assert.ok(m, `${file}: "${line}" is "<package>": major|minor|patch`);
        named.add(m[1].slice('@metalor/'.length));
      }
    }
    const before = Object.fromEntries([...named].map((n) => {
      assert.ok(existsSync(path.join(dir, `packages/${n}/package.json`)), `package @metalor/${n} exists`);
      return [n, manifest(dir, n).version];
    }));
    runVersion(dir);
    for (const [name, version] of Object.entries(before)) {
      assert.notEqual(manifest(dir, name).version, version, `@metalor/${name} is bumped`);
      assert.ok(existsSync(path.join(dir, `packages/${name}/CHANGELOG.md`)), `@metalor/${name} gets a changelog`);
    }
    assert.deepEqual(readdirSync(path.join(dir, '.changeset')).filter((f) => f.endsWith('.md') && f !== 'README.md'), [],
      'every changeset is consumed');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

console.log(`check-changesets: ${failures ? 'FAILED' : 'passed'} in ${((Date.now() - started) / 1000).toFixed(1)}s`);
process.exit(failures ? 1 : 0);
