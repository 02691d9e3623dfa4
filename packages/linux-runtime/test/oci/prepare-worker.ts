// Runs one prepareOciRootfs in its own process: node --import tsx prepare-worker.ts REF PREFIX PKG CACHE [ARCH]
// Prints a JSON line {"rootfs": ...} or {"error": {code, message}}.
import { prepareOciRootfs } from '../../src/index.js';

const [reference, prefix, packageRoot, cacheRoot, arch] = process.argv.slice(2) as [string, string, string, string, string | undefined];
try {
  const rootfs = await prepareOciRootfs(reference, prefix, packageRoot, { cacheRoot, ...(arch ? { arch } : {}) });
  process.stdout.write(`${JSON.stringify({ rootfs })}\n`);
} catch (error) {
  const { code, message } = error as { code?: string; message: string };
  process.stdout.write(`${JSON.stringify({ error: { code, message } })}\n`);
  process.exitCode = 1;
}
