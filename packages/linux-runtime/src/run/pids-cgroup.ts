import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rmdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { LinuxRuntimeError } from '../errors.js';

const CGROUP_ROOT = '/sys/fs/cgroup';

/** Directory under which a pids cgroup can be made: cgroup v1's pids hierarchy, or v2 with pids enabled. */
async function pidsHierarchy(): Promise<string | null> {
  const v1 = path.join(CGROUP_ROOT, 'pids');
  if ((await readFile(path.join(v1, 'cgroup.procs'), 'utf8').catch(() => null)) !== null) return v1;
  const controllers = await readFile(path.join(CGROUP_ROOT, 'cgroup.subtree_control'), 'utf8').catch(() => '');
  return controllers.split(/\s+/).includes('pids') ? CGROUP_ROOT : null;
}

/**
 * Create a pids cgroup capped at `maxProcesses` + 1 (the runner itself) for one cell.
 * The kernel ignores RLIMIT_NPROC for uid 0, so this is what holds a root caller's
 * fork bomb. Returns null when no pids controller is writable.
 */
export async function createPidsCgroup(maxProcesses: number): Promise<string | null> {
  const hierarchy = await pidsHierarchy();
  if (!hierarchy) return null;
  const dir = path.join(hierarchy, `metalor-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    await mkdir(dir);
  } catch {
    return null;
  }
  try {
    await writeFile(path.join(dir, 'pids.max'), `${maxProcesses + 1}\n`);
  } catch (error) {
    await rmdir(dir).catch(() => undefined);
    throw new LinuxRuntimeError('ERR_METALOR_CGROUP_FAILED', `cannot set pids.max in ${dir}: ${(error as Error).message}`, { cause: error });
  }
  return dir;
}

/** Remove a cell's cgroup once its processes are gone (the kernel frees them shortly after exit). */
export async function removePidsCgroup(dir: string): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt += 1) {
    try {
      await rmdir(dir);
      return;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return;
      if (code !== 'EBUSY') throw error;
      const procs = await readFile(path.join(dir, 'cgroup.procs'), 'utf8').catch(() => '');
      for (const pid of procs.split('\n').filter(Boolean)) {
        try {
          process.kill(Number(pid), 'SIGKILL');
        } catch {
          // already gone
        }
      }
      await sleep(5);
    }
  }
  throw new LinuxRuntimeError('ERR_METALOR_CGROUP_FAILED', `cgroup ${dir} still has processes: expected it to empty after the cell ended`);
}
