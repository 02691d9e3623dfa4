import { readFile } from 'node:fs/promises';
import path from 'node:path';

/** The defaults an image declares for the process it runs (from umoci's runtime config). */
export interface ImageDefaults {
  env: [string, string][];
  cwd: string;
  args: string[];
}

const FALLBACK: ImageDefaults = { env: [['PATH', '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin']], cwd: '/', args: [] };

/**
 * Reads `<bundle>/config.json` (the OCI runtime config umoci writes next to the rootfs) for
 * the image's environment, working directory and default command, so `metalor run` behaves
 * like other container runners. A missing or unreadable config gives a PATH and `/`.
 */
export async function readImageDefaults(rootfs: string): Promise<ImageDefaults> {
  let config: { process?: { env?: unknown; cwd?: unknown; args?: unknown } };
  try {
    config = JSON.parse(await readFile(path.join(path.dirname(rootfs), 'config.json'), 'utf8'));
  } catch {
    return FALLBACK;
  }
  const proc = config.process ?? {};
  const env = Array.isArray(proc.env)
    ? proc.env.filter((e): e is string => typeof e === 'string' && e.indexOf('=') > 0).map((e) => splitPair(e))
    : FALLBACK.env;
  return {
    env: env.length > 0 ? env : FALLBACK.env,
    cwd: typeof proc.cwd === 'string' && proc.cwd.startsWith('/') ? proc.cwd : '/',
    args: Array.isArray(proc.args) ? proc.args.filter((a): a is string => typeof a === 'string') : [],
  };
}

function splitPair(entry: string): [string, string] {
  const eq = entry.indexOf('=');
  return [entry.slice(0, eq), entry.slice(eq + 1)];
}

/** The image's environment with the caller's pairs applied on top (a later key replaces an earlier one). */
export function mergeEnv(base: readonly [string, string][], overrides: readonly [string, string][]): [string, string][] {
  const merged = new Map<string, string>(base);
  for (const [key, value] of overrides) {
    merged.delete(key);
    merged.set(key, value);
  }
  return [...merged];
}
