import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execa } from 'execa';

const SSHD = '/usr/sbin/sshd';

/** A throwaway OpenSSH server on 127.0.0.1 with its own keys and config. */
export interface SshServer {
  port: number;
  clientKey: string;
  /** The argv prefix that reaches the server as root. */
  prefix: string[];
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

function requireTool(file: string, pkg: string): void {
  if (!existsSync(file)) {
    throw new Error(`${file} is missing: install the Debian package ${pkg} (tooling/scripts/setup.sh lists it)`);
  }
}

/** Starts sshd on a free loopback port; throws loudly when OpenSSH or root is missing. */
export async function startSshServer(): Promise<SshServer> {
  requireTool(SSHD, 'openssh-server');
  requireTool('/usr/bin/ssh', 'openssh-client');
  requireTool('/usr/bin/ssh-keygen', 'openssh-client');
  if (process.getuid?.() !== 0) throw new Error('the ssh provider tests need root to run sshd and log in as root');
  const dir = await mkdtemp(path.join(tmpdir(), 'metalor-sshd-'));
  const hostKey = path.join(dir, 'host_ed25519');
  const clientKey = path.join(dir, 'client_ed25519');
  await execa('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', hostKey]);
  await execa('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', clientKey]);
  await writeFile(path.join(dir, 'authorized_keys'), await readFile(`${clientKey}.pub`), { mode: 0o600 });
  await mkdir('/run/sshd', { recursive: true, mode: 0o755 });
  const port = await freePort();
  const config = path.join(dir, 'sshd_config');
  await writeFile(
    config,
    [
      `ListenAddress 127.0.0.1:${port}`,
      `HostKey ${hostKey}`,
      'PermitRootLogin prohibit-password',
      'PubkeyAuthentication yes',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      `AuthorizedKeysFile ${path.join(dir, 'authorized_keys')}`,
      'StrictModes no',
      'UsePAM no',
      `PidFile ${path.join(dir, 'sshd.pid')}`,
      'MaxStartups 100:30:200',
      'MaxSessions 100',
      'LogLevel ERROR',
      '',
    ].join('\n'),
  );
  const daemon: ChildProcess = spawn(SSHD, ['-D', '-e', '-f', config], { stdio: ['ignore', 'ignore', 'pipe'] });
  let daemonLog = '';
  daemon.stderr?.on('data', (chunk: Buffer) => {
    daemonLog += chunk.toString();
  });
  const prefix = [
    'ssh', '-p', String(port), '-i', clientKey,
    '-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null',
    '-o', 'BatchMode=yes', '-o', 'LogLevel=ERROR', 'root@127.0.0.1', '--',
  ];
  const stop = async (): Promise<void> => {
    if (daemon.exitCode === null && daemon.signalCode === null) {
      const exited = new Promise((resolve) => daemon.once('exit', resolve));
      daemon.kill('SIGTERM');
      await exited;
    }
    await rm(dir, { recursive: true, force: true });
  };
  // Wait until a login works: sshd binds asynchronously.
  const deadline = Date.now() + 15_000;
  for (;;) {
    const probe = await execa(prefix[0] as string, [...prefix.slice(1), 'true'], { reject: false });
    if (probe.exitCode === 0) break;
    if (Date.now() > deadline || daemon.exitCode !== null) {
      await stop();
      throw new Error(`sshd on 127.0.0.1:${port} never accepted a login: ${probe.stderr}\n${daemonLog}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { port, clientKey, prefix, stop };
}
