import { lstat, mkdir, mkdtemp, readFile, readdir, readlink, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { BuildCellSpec } from '@metalor/cell-spec';

/** A fresh temporary directory; `cleanup` removes it. */
export async function makeTempDir(label: string): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(tmpdir(), `cell-spec-${label}-`));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** Writes a tree: `'name/': {...}` is a directory, a string is file content, `{ link }` a symlink. */
export type Tree = { [name: string]: string | Tree | { link: string } };

export async function writeTree(root: string, tree: Tree): Promise<void> {
  const { symlink } = await import('node:fs/promises');
  await mkdir(root, { recursive: true });
  for (const [name, value] of Object.entries(tree)) {
    const target = path.join(root, name);
    if (typeof value === 'string') await writeFile(target, value);
    else if ('link' in value && typeof value.link === 'string') await symlink(value.link, target);
    else await writeTree(target, value as Tree);
  }
}

/**
 * A listing of a tree that captures everything a copy must keep: type, mode, file
 * content and link target, sorted by path.
 */
export async function describeTree(root: string): Promise<string[]> {
  const out: string[] = [];
  async function visit(file: string, relative: string): Promise<void> {
    const stat = await lstat(file);
    const mode = (stat.mode & 0o7777).toString(8);
    if (stat.isSymbolicLink()) out.push(`${relative} link -> ${await readlink(file)}`);
    else if (stat.isFile()) out.push(`${relative} file ${mode} ${await readFile(file, 'utf8')}`);
    else if (stat.isDirectory()) {
      out.push(`${relative} dir ${mode}`);
      for (const name of (await readdir(file)).sort()) await visit(path.join(file, name), `${relative}/${name}`);
    } else out.push(`${relative} other`);
  }
  await visit(root, '.');
  return out;
}

/** A valid spec under `base` with no inputs or outputs. */
export function emptySpec(base: string): BuildCellSpec {
  return {
    root: path.join(base, 'root'),
    scratch: path.join(base, 'scratch'),
    workspacePath: '/workspace',
    workspaceSeed: { kind: 'empty' },
    imports: [],
    caches: [],
    exports: [],
    command: { cwd: '/workspace', executable: '/bin/sh', argv: ['-c', 'true'] },
    env: [],
    network: 'enabled',
    limits: {},
    cleanup: 'always',
  };
}
