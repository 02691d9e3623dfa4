import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildOverlayMountOptions,
  listRootfsViewDirectory,
  prepareOciRootfs,
  prepareRuntimeEmulator,
  readRootfsView,
  resolveRootfsViewPath,
  type RootfsView,
} from '../../src/index.js';
import { ensureTestImages, makeScratch, mountsMentioning, removeScratch, type TestImages } from './images.js';

type Backend = 'privileged' | 'rootlessUser';

let images: TestImages;
let scratch: string;
let prefix: string;
let cacheRoot: string;

beforeAll(() => {
  images = ensureTestImages();
  scratch = makeScratch('oci-isolation');
  prefix = path.join(scratch, 'prefix');
  cacheRoot = path.join(scratch, 'cache');
  mkdirSync(prefix);
});
afterAll(() => removeScratch(scratch));

const UNSHARE: Record<Backend, string[]> = {
  privileged: ['--mount'],
  rootlessUser: ['--user', '--map-root-user', '--mount'],
};

/**
 * What the runner does, done by hand: in a private mount namespace (and, rootless, a user
 * namespace), mount the view's overlay on the root, chroot into it and run a busybox script.
 */
function runInView(backend: Backend, root: string, view: RootfsView, script: string, entry = ['/bin/sh', '-c']): { status: number | null; stdout: string } {
  const outer = 'options=$1 root=$2; shift 2; mount -t overlay overlay -o "$options" "$root" && exec chroot "$root" "$@"';
  const args = [...UNSHARE[backend], 'sh', '-c', outer, 'sh', buildOverlayMountOptions(view, backend), root, ...entry, script];
  const result = spawnSync('unshare', args, {
    encoding: 'utf8',
  });
  if (result.error || /unshare:|mount:/.test(result.stderr)) {
    throw new Error(`this test needs ${backend === 'privileged' ? 'root (unshare --mount)' : 'unprivileged user namespaces with overlayfs (Linux 5.11+)'}: ${result.error?.message ?? result.stderr}`);
  }
  return { status: result.status, stdout: result.stdout };
}

/** A fingerprint of every path, type, mode, link target and file content under `dir`. */
function fingerprint(dir: string): string {
  const listing = execFileSync('find', ['.', '-printf', '%p %y %m %s %l\n'], { cwd: dir, encoding: 'utf8' }).split('\n').sort().join('\n');
  const passwd = readFileSync(path.join(dir, 'etc/passwd'));
  return createHash('sha256').update(listing).update(passwd).digest('hex');
}

describe.each(['privileged', 'rootlessUser'] as const)('copy-on-write isolation (%s backend)', (backend) => {
  it('a job that deletes /bin/sh and writes into /etc leaves the next job rootfs and the cache intact', async () => {
    const pkg = path.join(prefix, `${backend}-job`);
    const root = await prepareOciRootfs(images.amd64, prefix, pkg, { cacheRoot });
    const view = (await readRootfsView(root))!;
    const cacheBefore = fingerprint(view.lowerdir);

    const job = runInView(backend, root, view, 'rm /bin/sh && echo hacked >> /etc/passwd && mkdir /etc/new && echo x > /etc/new/f && rm -rf /root && echo ok');
    expect(job).toMatchObject({ status: 0, stdout: 'ok\n' });
    expect(mountsMentioning(pkg)).toEqual([]);
    expect(fingerprint(view.lowerdir)).toBe(cacheBefore);

    // What the job left, read on the host after the run (as exports would).
    expect(await resolveRootfsViewPath(view, '/bin/sh')).toBeNull();
    expect(await resolveRootfsViewPath(view, '/root')).toBeNull();
    expect(readFileSync((await resolveRootfsViewPath(view, '/etc/passwd'))!, 'utf8')).toMatch(/hacked\n$/);
    expect(await resolveRootfsViewPath(view, '/etc/new/f')).toBe(path.join(view.upperdir, 'etc/new/f'));
    expect(await resolveRootfsViewPath(view, '/bin/busybox')).toBe(path.join(view.lowerdir, 'bin/busybox'));
    const bin = (await listRootfsViewDirectory(view, '/bin'))!.map((entry) => entry.name);
    expect(bin).toContain('busybox');
    expect(bin).not.toContain('sh');

    // The next job in the same package root starts from the pristine image.
    const next = await prepareOciRootfs(images.amd64, prefix, pkg, { cacheRoot });
    const nextView = (await readRootfsView(next))!;
    const check = runInView(backend, next, nextView, 'test -L /bin/sh && test -d /root && test ! -e /etc/new && grep -c hacked /etc/passwd; echo status=$?');
    expect(check).toMatchObject({ status: 0, stdout: '0\nstatus=1\n' });
    expect(mountsMentioning(pkg)).toEqual([]);
    expect(fingerprint(view.lowerdir)).toBe(cacheBefore);
  });

  it('a job that replaces a whole directory hides the cached one (opaque directory)', async () => {
    const pkg = path.join(prefix, `${backend}-opaque`);
    const root = await prepareOciRootfs(images.amd64, prefix, pkg, { cacheRoot });
    const view = (await readRootfsView(root))!;
    const job = runInView(backend, root, view, 'rm -rf /etc && mkdir /etc && echo n > /etc/only && ls /etc');
    expect(job).toMatchObject({ status: 0, stdout: 'only\n' });
    expect((await listRootfsViewDirectory(view, '/etc'))!.map((entry) => entry.name)).toEqual(['only']);
    expect(await resolveRootfsViewPath(view, '/etc/passwd')).toBeNull();
    expect(readFileSync(path.join(view.lowerdir, 'etc/passwd'), 'utf8')).toMatch(/^root:/);
    expect(mountsMentioning(pkg)).toEqual([]);
  });

  it('a foreign-arch emulator staged into a view shows at /.metalor-run inside the merged root', async () => {
    const pkg = path.join(prefix, `${backend}-emulator`);
    const root = await prepareOciRootfs(images.arm64, prefix, pkg, { cacheRoot });
    const view = (await readRootfsView(root))!;
    const emulator = await prepareRuntimeEmulator(root, 'amd64', 'arm64');
    expect(emulator).toBe('/.metalor-run/qemu-aarch64-static');
    // The arm64 shell cannot run here without binfmt, so look with the emulator directly.
    const job = runInView(backend, root, view, '-m', ['/.metalor-run/qemu-aarch64-static', '/bin/busybox', 'uname']);
    expect(job).toMatchObject({ status: 0, stdout: 'aarch64\n' });
  });
});
