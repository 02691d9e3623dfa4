import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { CommandShell, ProviderError, ProviderSession, resolveShellCommand, shellQuote } from './index.js';

const AWKWARD = `it's "a" $HOME \`id\` \\n\nnew line; rm -rf /nothing`;

describe('shellQuote', () => {
  it('round-trips any text through sh', async () => {
    const { stdout } = await execa('sh', ['-c', `printf '%s' ${shellQuote(AWKWARD)}`]);
    expect(stdout).toBe(AWKWARD);
  });
});

describe('CommandShell', () => {
  it('passes the script as argv to sh -c after a plain prefix', () => {
    const shell = new CommandShell(['docker', 'exec', '-i', 'box']);
    expect(shell.quoting).toBe('argv');
    expect(shell.spawnShell('echo hi')).toEqual({ file: 'docker', args: ['exec', '-i', 'box', 'sh', '-c', 'echo hi'] });
  });

  it('sends one quoted word after ssh, which joins its arguments for the remote shell', () => {
    const shell = new CommandShell(['/usr/bin/ssh', 'host', '--']);
    expect(shell.quoting).toBe('remote-shell');
    expect(shell.spawnShell("echo 'x'")).toEqual({ file: '/usr/bin/ssh', args: ['host', '--', `sh -c 'echo '"'"'x'"'"''`] });
  });

  it('survives a prefix that joins its arguments and hands them to a shell, like ssh does', async () => {
    // `sh -c "$*"` joins the arguments with spaces and reparses them, as sshd's login shell does.
    const joining = new CommandShell(['sh', '-c', '"$@"', 'joiner', 'sh', '-c', 'eval "$*"', 'joined'], {
      quoting: 'remote-shell',
    });
    const session = new ProviderSession(joining);
    expect((await session.run(`printf '%s' ${shellQuote(AWKWARD)}`)).stdout).toBe(AWKWARD);
  });

  it('runs the script through argv prefixes unchanged', async () => {
    const session = new ProviderSession(new CommandShell(['env', 'METALOR_X=1']));
    expect((await session.run(`printf '%s:%s' "$METALOR_X" ${shellQuote(AWKWARD)}`)).stdout).toBe(`1:${AWKWARD}`);
  });

  it('adds its env to the prefix process', () => {
    expect(new CommandShell(['kubectl', 'exec', 'pod', '--'], { env: { KUBECONFIG: '/k' } }).spawnShell('true').env).toEqual({
      KUBECONFIG: '/k',
    });
  });

  it.each([[[]], [['']], [[1 as unknown as string]]])('refuses prefix %j', (prefix) => {
    expect(() => new CommandShell(prefix)).toThrow(ProviderError);
    expect(() => new CommandShell(prefix)).toThrow(/expected a non-empty array of strings starting with a program/);
  });

  it('refuses an unknown quoting mode', () => {
    expect(() => new CommandShell(['ssh'], { quoting: 'magic' as never })).toThrow(/expected "remote-shell" or "argv"/);
  });
});

describe('resolveShellCommand', () => {
  it('accepts objects and functions', () => {
    expect(resolveShellCommand({ spawnShell: (s) => ({ file: 'sh', args: ['-c', s] }) }, 'x').args).toEqual(['-c', 'x']);
    expect(resolveShellCommand((s) => ({ file: 'sh', args: ['-c', s] }), 'y').args).toEqual(['-c', 'y']);
  });

  it('refuses a shell that returns a malformed command', () => {
    expect(() => resolveShellCommand(() => ({ file: '', args: [] }), 'x')).toThrow(
      expect.objectContaining({ code: 'ERR_METALOR_PROVIDER_SHELL_INVALID' }),
    );
    expect(() => resolveShellCommand(() => ({ file: 'sh', args: [1] }) as never, 'x')).toThrow(/expected \{ file/);
  });
});
