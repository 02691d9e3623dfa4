import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ProviderError, ProviderRuntimeLayout, ProviderSession } from './index.js';
import { providerRejectionOf } from './testing/index.js';

const localSh = (script: string) => ({ file: 'sh', args: ['-c', script] });

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'metalor-session-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('ProviderSession bad input', () => {
  it('refuses something that is not a shell', () => {
    expect(() => new ProviderSession({} as never)).toThrow(expect.objectContaining({ code: 'ERR_METALOR_PROVIDER_SHELL_INVALID' }));
  });

  it('reports a shell program that does not exist as a spawn failure naming it', async () => {
    const session = new ProviderSession(() => ({ file: '/nonexistent/metalor-shell', args: [] }));
    const error = await providerRejectionOf(session.run('true'));
    expect(error.code).toBe('ERR_METALOR_PROVIDER_SPAWN_FAILED');
    expect(error.message).toContain('"/nonexistent/metalor-shell"');
  });

  it('reports a missing host path before running anything', async () => {
    const ran: string[] = [];
    const session = new ProviderSession((script) => {
      ran.push(script);
      return localSh(script);
    });
    const error = await providerRejectionOf(session.stageHostPath(path.join(dir, 'missing'), dir));
    expect(error.code).toBe('ERR_METALOR_PROVIDER_HOST_PATH');
    expect(error.message).toContain(JSON.stringify(path.join(dir, 'missing')));
    expect(ran).toEqual([]);
  });

  it('refuses to collect a provider path without a file name', async () => {
    const session = new ProviderSession(localSh);
    for (const remote of ['/', '/tmp/..', '']) {
      expect((await providerRejectionOf(session.collectPath(remote, dir))).code).toBe('ERR_METALOR_PROVIDER_PATH_INVALID');
    }
  });

  it('refuses an empty warm-state label without running the cold step', async () => {
    const session = new ProviderSession(localSh);
    let ran = false;
    const error = await providerRejectionOf(session.ensureWarmState(' ', path.join(dir, 'stamp'), [], () => void (ran = true)));
    expect(error.code).toBe('ERR_METALOR_PROVIDER_LABEL_EMPTY');
    expect(ran).toBe(false);
  });

  it('refuses invalid metadata before touching the provider', async () => {
    const ran: string[] = [];
    const session = new ProviderSession((script) => (ran.push(script), localSh(script)));
    const metadata = new ProviderRuntimeLayout(dir).metadata('wsl2', 'x', 'v1');
    const error = await providerRejectionOf(session.writeRuntimeMetadata({ ...metadata, identity: 'a\nb' }));
    expect(error.code).toBe('ERR_METALOR_PROVIDER_METADATA_INVALID');
    expect(ran).toEqual([]);
  });

  it('reports a host parent that cannot be a directory as a host path error', async () => {
    const session = new ProviderSession(localSh);
    await writeFile(path.join(dir, 'source'), 'data');
    await writeFile(path.join(dir, 'blocker'), '');
    const error = await providerRejectionOf(session.collectPath(path.join(dir, 'source'), path.join(dir, 'blocker')));
    expect(error.code).toBe('ERR_METALOR_PROVIDER_HOST_PATH');
    expect(error.message).toContain(JSON.stringify(path.join(dir, 'blocker')));
  });
});
