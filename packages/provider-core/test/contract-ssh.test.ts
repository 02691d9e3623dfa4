import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CommandShell, ProviderSession } from '@metalor/provider-core';
import { describeProviderContract } from '@metalor/provider-core/testing';
import { startSshServer, type SshServer } from './support/ssh-server.js';

let server: SshServer | undefined;

beforeAll(async () => {
  server = await startSshServer();
});

afterAll(async () => {
  await server?.stop();
});

function sshShell(): CommandShell {
  if (!server) throw new Error('sshd did not start');
  return new CommandShell(server.prefix);
}

describeProviderContract('provider contract through ssh to 127.0.0.1', { shell: sshShell });

describe('CommandShell over ssh', () => {
  it('gets a script with every kind of quote and a newline to the remote sh intact', async () => {
    const session = new ProviderSession(sshShell());
    const script = `a='it'"'"'s'; b='$HOME \`x\`'; printf '%s|%s|%s' "$a" "$b" "two
lines"`;
    expect((await session.run(script)).stdout).toBe("it's|$HOME `x`|two\nlines");
  });

  it('runs in sh on the far side, not in whatever shell ssh would pick', async () => {
    const session = new ProviderSession(sshShell());
    expect((await session.run('echo "$0"')).stdout.trim()).toBe('sh');
  });
});
