#!/usr/bin/env node
// The `metalor` command. Everything but process wiring lives in main.ts, so tests run it in-process.
import { runCli } from './main.js';

const controller = new AbortController();
// First SIGINT/SIGTERM: kill the cell and clean up (runCli then resolves 130); a second one kills us.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => controller.abort(new Error(`received ${signal}`)));
}

process.exitCode = await runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  cwd: process.cwd(),
  signal: controller.signal,
});
