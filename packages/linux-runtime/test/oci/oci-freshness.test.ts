import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareOciRootfs, readRootfsView } from '../../src/index.js';
import { ensureTestImages, makeScratch, makeSkopeoCounter, removeScratch } from './images.js';

const TAG = 'busybox-amd64';
let scratch: string;
let prefix: string;
let layout: string;
let realSkopeo: string;
let counter: ReturnType<typeof makeSkopeoCounter>;
const originalPath = process.env.PATH;

beforeAll(() => {
  const images = ensureTestImages();
  scratch = makeScratch('oci-freshness');
  prefix = path.join(scratch, 'prefix');
  mkdirSync(prefix);
  layout = path.join(scratch, 'layout');
  cpSync(images.layout, layout, { recursive: true });
  realSkopeo = execFileSync('sh', ['-c', 'command -v skopeo'], { encoding: 'utf8' }).trim();
  counter = makeSkopeoCounter(scratch);
  process.env.PATH = `${counter.binDir}:${originalPath}`;
});
afterAll(() => {
  process.env.PATH = originalPath;
  removeScratch(scratch);
});

/** Rebuild the layout's image under the same tag with `/etc/hostname` holding `label` (umoci, as a build would). */
function rebuildLayout(label: string): void {
  const bundle = path.join(scratch, 'rebuild-bundle');
  execFileSync('umoci', ['unpack', '--rootless', '--image', `${layout}:${TAG}`, bundle]);
  writeFileSync(path.join(bundle, 'rootfs', 'etc', 'hostname'), `${label}\n`);
  execFileSync('umoci', ['repack', '--image', `${layout}:${TAG}`, bundle]);
  rmSync(bundle, { recursive: true, force: true });
}

/** Export the layout's image to another transport, replacing what was there (not counted as a prepare). */
function exportTo(destination: string, file: string): void {
  rmSync(file, { recursive: true, force: true });
  execFileSync(realSkopeo, ['copy', '--quiet', `oci:${layout}:${TAG}`, destination]);
}

const transports: [string, () => string, () => void][] = [
  ['oci:', () => `oci:${layout}:${TAG}`, () => undefined],
  ['oci-archive:', () => `oci-archive:${path.join(scratch, 'image-oci.tar')}`, () => exportTo(`oci-archive:${path.join(scratch, 'image-oci.tar')}:${TAG}`, path.join(scratch, 'image-oci.tar'))],
  ['docker-archive:', () => `docker-archive:${path.join(scratch, 'image-docker.tar')}`, () => exportTo(`docker-archive:${path.join(scratch, 'image-docker.tar')}:metalor/fresh:1`, path.join(scratch, 'image-docker.tar'))],
  ['dir:', () => `dir:${path.join(scratch, 'image-dir')}`, () => exportTo(`dir:${path.join(scratch, 'image-dir')}`, path.join(scratch, 'image-dir'))],
];

describe('cache freshness of local references', () => {
  it.each(transports)('%s an image rebuilt under the same reference is re-copied; an unchanged one is a cache hit', async (name, reference, publish) => {
    const slug = name.replace(':', '');
    const cacheRoot = path.join(scratch, `cache-${slug}`);
    const hostname = async (pkg: string) => {
      const rootfs = await prepareOciRootfs(reference(), prefix, path.join(prefix, `${slug}-${pkg}`), { cacheRoot });
      return readFileSync(path.join((await readRootfsView(rootfs))!.lowerdir, 'etc', 'hostname'), 'utf8');
    };
    rebuildLayout(`${name}v1`);
    publish();
    let calls = counter.calls();
    expect(await hostname('1')).toBe(`${name}v1\n`);
    expect(counter.calls()).toBe(calls + 1);
    expect(await hostname('2')).toBe(`${name}v1\n`);
    expect(counter.calls()).toBe(calls + 1);

    rebuildLayout(`${name}v2`);
    publish();
    calls = counter.calls();
    expect(await hostname('3')).toBe(`${name}v2\n`);
    expect(counter.calls()).toBe(calls + 1);
    expect(await hostname('4')).toBe(`${name}v2\n`);
    expect(counter.calls()).toBe(calls + 1);
    // Rebuilt in place: still one entry for the reference.
    expect(readdirSync(cacheRoot).filter((entry) => !entry.startsWith('.'))).toHaveLength(1);
  });

  it('oci: a rebuild of another tag in the same layout keeps this tag cached', async () => {
    const cacheRoot = path.join(scratch, 'cache-other-tag');
    await prepareOciRootfs(`oci:${layout}:${TAG}`, prefix, path.join(prefix, 'other-1'), { cacheRoot });
    const bundle = path.join(scratch, 'other-bundle');
    execFileSync('umoci', ['unpack', '--rootless', '--image', `${layout}:${TAG}`, bundle]);
    execFileSync('umoci', ['repack', '--image', `${layout}:another`, bundle]);
    rmSync(bundle, { recursive: true, force: true });
    const calls = counter.calls();
    await prepareOciRootfs(`oci:${layout}:${TAG}`, prefix, path.join(prefix, 'other-2'), { cacheRoot });
    expect(counter.calls()).toBe(calls);
  });

  it('a local source that disappeared is not served from the cache', async () => {
    const cacheRoot = path.join(scratch, 'cache-gone');
    const file = path.join(scratch, 'gone.tar');
    exportTo(`oci-archive:${file}:${TAG}`, file);
    await prepareOciRootfs(`oci-archive:${file}`, prefix, path.join(prefix, 'gone-1'), { cacheRoot });
    rmSync(file);
    await expect(prepareOciRootfs(`oci-archive:${file}`, prefix, path.join(prefix, 'gone-2'), { cacheRoot })).rejects.toMatchObject({
      code: 'ERR_METALOR_TOOL_FAILED',
    });
  });
});
