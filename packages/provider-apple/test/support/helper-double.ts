import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * An executable macOS VM helper double speaking the helper protocol metalor uses:
 * `ensure --vm-name V --bundle B` creates (or resumes) VM V from bundle B, and
 * `shell --vm-name V --script S` runs S in a real bash "inside" V, stdin and stdout passed
 * straight through. Unknown VMs, unknown bundles and malformed argv fail as a helper would.
 */
const SCRIPT = `#!/usr/bin/env bash
set -u
dir=$(cd "$(dirname "$0")" && pwd)
state="$dir/vms"
bundles="ubuntu-24.04 ubuntu-22.04 debian-12"
printf '%s\\n' "$*" >> "$dir/calls.log"
usage() { echo "usage: helper ensure --vm-name NAME --bundle BUNDLE | shell --vm-name NAME --script SCRIPT" >&2; exit 64; }
[ "$#" -eq 5 ] && [ "$2" = --vm-name ] && [ -n "$3" ] || usage
vm=$3
case "$1" in
  ensure)
    [ "$4" = --bundle ] || usage
    case " $bundles " in *" $5 "*) ;; *) echo "unknown Linux bundle '$5'; available: $bundles" >&2; exit 2 ;; esac
    if [ -f "$state" ] && grep -q "^$vm " "$state"; then
      echo "resumed VM $vm"
    else
      printf '%s %s\\n' "$vm" "$5" >> "$state"
      echo "created VM $vm from $5"
    fi ;;
  shell)
    [ "$4" = --script ] || usage
    [ -f "$state" ] && grep -q "^$vm " "$state" || { echo "VM '$vm' does not exist; run ensure first" >&2; exit 3; }
    exec bash -lc "$5" ;;
  *) usage ;;
esac
`;

/** A helper double in its own directory. */
export interface HelperDouble {
  helper: string;
  /** `VM bundle` lines for every VM the double created. */
  vms(): Promise<string[]>;
  /** Every argv the double received, one line each. */
  calls(): Promise<string[]>;
  dispose(): Promise<void>;
}

export async function createHelperDouble(): Promise<HelperDouble> {
  const dir = await mkdtemp(path.join(tmpdir(), 'metalor-vm-helper-'));
  const helper = path.join(dir, 'metalor-vm-helper');
  await writeFile(helper, SCRIPT);
  await chmod(helper, 0o755);
  const read = async (name: string) =>
    (await readFile(path.join(dir, name), 'utf8').catch(() => '')).split('\n').filter((line) => line !== '');
  return {
    helper,
    vms: () => read('vms'),
    calls: () => read('calls.log'),
    dispose: () => rm(dir, { recursive: true, force: true }),
  };
}
