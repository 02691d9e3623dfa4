import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runCli, type CliIo } from '../src/cli/main.js';
import { CELL_USAGE, MAIN_USAGE, PROBE_USAGE, RUN_USAGE } from '../src/cli/usage.js';

const context = { cwd: '/work/here', env: { HOME: '/home/me' } };

/** In-process CLI with captured output. */
async function cli(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: { write: (t: string) => (stdout += t) },
    stderr: { write: (t: string) => (stderr += t), isTTY: false },
    env: context.env,
    cwd: context.cwd,
  };
  const status = await runCli(argv, io);
  return { status, stdout, stderr };
}

describe('runCli exit statuses', () => {
  it('prints help on stdout with status 0, for the CLI and for each command', async () => {
    for (const [argv, text] of [[['--help'], MAIN_USAGE], [['run', '-h'], RUN_USAGE], [['cell', '--help'], CELL_USAGE], [['probe', '--help'], PROBE_USAGE]] as const) {
      const result = await cli(...argv);
      expect(result).toEqual({ status: 0, stdout: text, stderr: '' });
    }
  });

  it('prints the package version', async () => {
    const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(await cli('--version')).toEqual({ status: 0, stdout: `metalor ${version} (@metalor/linux-runtime)\n`, stderr: '' });
  });

  it('answers bad arguments with the message, the usage on stderr and status 2', async () => {
    const result = await cli('run', '--image', 'x', '--network', 'maybe');
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(`metalor: invalid --network "maybe": expected on or off\n\n${RUN_USAGE}`);
  });

  it('reports a request file that does not exist with status 125 and its path', async () => {
    const result = await cli('cell', '--state-dir', '/tmp', '/nonexistent/metalor-request.json');
    expect(result.status).toBe(125);
    expect(result.stderr).toMatch(/^metalor: ERR_METALOR_\w+: .*\/nonexistent\/metalor-request\.json/);
  });
});

describe('metalor probe through runCli', () => {
  it('prints the report as JSON and exits 0 on this host, 1 when PATH has no tools', async () => {
    let stdout = '';
    const io = (PATH: string): CliIo => ({ stdout: { write: (t: string) => (stdout += t) }, stderr: { write: () => true }, env: { PATH }, cwd: '/' });
    expect(await runCli(['probe', '--json'], io(process.env.PATH ?? ''))).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ ok: true, namespaces: { privileged: { ok: true } } });
    stdout = '';
    expect(await runCli(['probe'], io('/nonexistent-dir'))).toBe(1);
    expect(stdout).toMatch(/^result {7}NOT READY: /m);
  });
});
