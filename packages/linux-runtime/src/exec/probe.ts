import { execa } from 'execa';
import type { LinuxNamespaceProbe } from './types.js';

const probes = new Map<boolean, Promise<LinuxNamespaceProbe>>();

/**
 * Check once per process whether this host lets us create the rootless backend's
 * namespaces (`unshare --user --map-root-user --pid --mount --uts --ipc`, plus `--net`
 * when `disableNetwork`). Never throws: a failure is `ok: false` with its stderr.
 */
export function probeRootlessUserns(disableNetwork: boolean): Promise<LinuxNamespaceProbe> {
  const key = Boolean(disableNetwork);
  let probe = probes.get(key);
  if (!probe) {
    probe = runProbe(key);
    probes.set(key, probe);
  }
  return probe;
}

async function runProbe(disableNetwork: boolean): Promise<LinuxNamespaceProbe> {
  const args = ['--fork', '--user', '--map-root-user', '--pid', '--mount', '--uts', '--ipc', ...(disableNetwork ? ['--net'] : []), '--', 'true'];
  const result = await execa('unshare', args, { reject: false, stdin: 'ignore', stdout: 'ignore', timeout: 10_000 });
  return {
    backend: 'rootlessUser',
    disableNetwork,
    ok: result.exitCode === 0,
    status: result.exitCode ?? null,
    stderr: typeof result.stderr === 'string' ? result.stderr : '',
  };
}
