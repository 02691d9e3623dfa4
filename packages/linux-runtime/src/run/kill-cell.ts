import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';

async function childrenOf(pid: number): Promise<number[] | null> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    if (/\) [ZX] /.test(stat)) return null;
    const text = await readFile(`/proc/${pid}/task/${pid}/children`, 'utf8');
    return text.split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return null;
  }
}

function killQuietly(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

/**
 * Kill every process of a cell. `unshare --fork` has one child, the pid namespace's
 * init; SIGKILL to it makes the kernel kill everything else in the namespace, including
 * children that ignore SIGTERM. If unshare has not forked yet, wait for it to.
 */
export async function killCell(unsharePid: number): Promise<void> {
  for (let attempt = 0; attempt < 400; attempt += 1) {
    const children = await childrenOf(unsharePid);
    if (children === null) return;
    if (children.length > 0) {
      for (const child of children) killQuietly(child);
      return;
    }
    await sleep(5);
  }
  killQuietly(unsharePid);
}
