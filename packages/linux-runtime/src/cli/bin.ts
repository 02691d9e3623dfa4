#!/usr/bin/env node
// The `metalor` command. Everything but process wiring lives in main.ts, so tests run it in-process.
import { runCli } from './main.js';

const controller = new AbortController();
// First SIGINT/SIGTERM: kill the cell and clean up (runCli then resolves 130); a second one exits.
// The listeners stay registered: execa's exit hook re-raises a signal nobody else listens to.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (controller.signal.aborted) process.exit(130);
    controller.abort(new Error(`received ${signal}`));
  });
}

process.exitCode = await runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  cwd: process.cwd(),
  signal: controller.signal,
});
