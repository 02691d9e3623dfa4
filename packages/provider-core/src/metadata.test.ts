import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  PROVIDER_METADATA_FILE,
  ProviderError,
  parseProviderMetadataEnv,
  providerMetadataPath,
  readProviderMetadataEnv,
  renderProviderMetadataEnv,
  validateProviderMetadata,
  writeProviderMetadataEnv,
  type ProviderRuntimeMetadata,
} from './index.js';

const METADATA: ProviderRuntimeMetadata = {
  kind: 'wsl2',
  identity: 'Ubuntu-24.04',
  runtimeRoot: '/var/tmp/depos-provider/v1/example',
  runtimeLayoutVersion: 'v1',
  bootstrapVersion: 'v1',
  bootstrapStamp: '/var/tmp/depos-provider/v1/example/bootstrap-v1.stamp',
};

const RENDERED =
  'provider_kind=wsl2\nprovider_identity=Ubuntu-24.04\nruntime_root=/var/tmp/depos-provider/v1/example\n' +
  'runtime_layout_version=v1\nbootstrap_version=v1\nbootstrap_stamp=/var/tmp/depos-provider/v1/example/bootstrap-v1.stamp\n';

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ProviderError);
    return (error as ProviderError).code;
  }
  return undefined;
}

describe('provider metadata format', () => {
  it('renders the crate format byte for byte', () => {
    expect(renderProviderMetadataEnv(METADATA)).toBe(RENDERED);
  });

  it('parses what it renders, and tolerates blank lines, CRLF and surrounding spaces', () => {
    expect(parseProviderMetadataEnv(RENDERED)).toEqual(METADATA);
    const loose = `\n  ${RENDERED.split('\n').join('\r\n  ')}\n\n`;
    expect(parseProviderMetadataEnv(loose)).toEqual(METADATA);
  });

  it('keeps "=" inside values', () => {
    const text = RENDERED.replace('provider_identity=Ubuntu-24.04', 'provider_identity=a=b');
    expect(parseProviderMetadataEnv(text).identity).toBe('a=b');
  });

  it('refuses a missing key, naming it', () => {
    const text = RENDERED.replace(/^bootstrap_version=.*\n/m, '');
    expect(() => parseProviderMetadataEnv(text)).toThrow('missing required provider metadata key bootstrap_version');
    expect(codeOf(() => parseProviderMetadataEnv(text))).toBe('ERR_METALOR_PROVIDER_METADATA_PARSE');
  });

  it('refuses an unknown key, naming it', () => {
    expect(() => parseProviderMetadataEnv(`${RENDERED}extra_key=1\n`)).toThrow('unknown provider metadata key "extra_key"');
  });

  it('refuses a repeated key', () => {
    expect(() => parseProviderMetadataEnv(`${RENDERED}runtime_root=/other\n`)).toThrow('runtime_root appears more than once');
  });

  it('refuses a line without "="', () => {
    expect(() => parseProviderMetadataEnv(`${RENDERED}garbage\n`)).toThrow(
      'invalid provider metadata line "garbage": expected key=value',
    );
  });

  it('refuses an empty value, naming the key', () => {
    const text = RENDERED.replace('provider_identity=Ubuntu-24.04', 'provider_identity=');
    expect(() => parseProviderMetadataEnv(text)).toThrow('provider metadata key provider_identity has an empty value');
  });

  it('refuses an unknown kind', () => {
    const text = RENDERED.replace('provider_kind=wsl2', 'provider_kind=auto');
    expect(codeOf(() => parseProviderMetadataEnv(text))).toBe('ERR_METALOR_PROVIDER_KIND_INVALID');
  });

  it('validates before rendering: blank values and line breaks name their key', () => {
    expect(() => renderProviderMetadataEnv({ ...METADATA, bootstrapStamp: '  ' })).toThrow('bootstrap_stamp must not be empty');
    expect(() => renderProviderMetadataEnv({ ...METADATA, identity: 'a\nruntime_root=/evil' })).toThrow(
      'provider_identity must be a single line',
    );
    expect(codeOf(() => validateProviderMetadata({ ...METADATA, kind: 'auto' as never }))).toBe(
      'ERR_METALOR_PROVIDER_METADATA_INVALID',
    );
  });

  it('places the file under the runtime root', () => {
    expect(PROVIDER_METADATA_FILE).toBe('provider-metadata.env');
    expect(providerMetadataPath('/var/tmp/x')).toBe('/var/tmp/x/provider-metadata.env');
    expect(providerMetadataPath('/var/tmp/x/')).toBe('/var/tmp/x/provider-metadata.env');
    expect(providerMetadataPath('/')).toBe('/provider-metadata.env');
  });
});

describe('provider metadata files', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'metalor-metadata-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes (creating parents) and reads back the same metadata', async () => {
    const file = path.join(dir, 'nested', 'deeper', PROVIDER_METADATA_FILE);
    await writeProviderMetadataEnv(file, { ...METADATA, kind: 'mac-local' });
    expect(await readFile(file, 'utf8')).toBe(RENDERED.replace('wsl2', 'mac-local'));
    expect(await readProviderMetadataEnv(file)).toEqual({ ...METADATA, kind: 'mac-local' });
  });

  it('leaves the old file and no temporary file behind when the new metadata is invalid', async () => {
    const file = path.join(dir, PROVIDER_METADATA_FILE);
    await writeProviderMetadataEnv(file, METADATA);
    await expect(writeProviderMetadataEnv(file, { ...METADATA, identity: '' })).rejects.toThrow('provider_identity must not be empty');
    expect(await readFile(file, 'utf8')).toBe(RENDERED);
    expect(await readdir(dir)).toEqual([PROVIDER_METADATA_FILE]);
  });

  it('leaves no temporary file behind when the write fails', async () => {
    const blocker = path.join(dir, 'blocker');
    await writeFile(blocker, '');
    await expect(writeProviderMetadataEnv(path.join(blocker, PROVIDER_METADATA_FILE), METADATA)).rejects.toMatchObject({
      code: 'ERR_METALOR_PROVIDER_METADATA_IO',
    });
    expect(await readdir(dir)).toEqual(['blocker']);
  });

  it('names the file when reading fails or the content is bad', async () => {
    const missing = path.join(dir, 'missing.env');
    await expect(readProviderMetadataEnv(missing)).rejects.toMatchObject({ code: 'ERR_METALOR_PROVIDER_METADATA_IO' });
    const bad = path.join(dir, 'bad.env');
    await writeFile(bad, 'provider_kind=wsl2\n');
    await expect(readProviderMetadataEnv(bad)).rejects.toThrow(
      `failed to parse provider metadata ${JSON.stringify(bad)}: missing required provider metadata key provider_identity`,
    );
  });
});
