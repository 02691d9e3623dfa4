import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ProviderError } from './errors.js';
import { parseProviderKind, type LocalLinuxProviderKind } from './selection.js';

/** The file name of a provider's runtime metadata inside its runtime root. */
export const PROVIDER_METADATA_FILE = 'provider-metadata.env';

/** The runtime layout version this package writes. */
export const PROVIDER_RUNTIME_LAYOUT_VERSION = 'v1';

/** What a provider records about the runtime it prepared, in `provider-metadata.env`. */
export interface ProviderRuntimeMetadata {
  kind: LocalLinuxProviderKind;
  identity: string;
  runtimeRoot: string;
  runtimeLayoutVersion: string;
  bootstrapVersion: string;
  bootstrapStamp: string;
}

/** File keys in the order they are written, paired with the field they hold. */
const METADATA_KEYS = [
  ['provider_kind', 'kind'],
  ['provider_identity', 'identity'],
  ['runtime_root', 'runtimeRoot'],
  ['runtime_layout_version', 'runtimeLayoutVersion'],
  ['bootstrap_version', 'bootstrapVersion'],
  ['bootstrap_stamp', 'bootstrapStamp'],
] as const satisfies readonly (readonly [string, keyof ProviderRuntimeMetadata])[];

type MetadataKey = (typeof METADATA_KEYS)[number][0];

function invalid(message: string): ProviderError {
  return new ProviderError('ERR_METALOR_PROVIDER_METADATA_INVALID', message);
}

/**
 * The metadata file path for a runtime root (`<root>/provider-metadata.env`).
 */
export function providerMetadataPath(runtimeRoot: string): string {
  if (runtimeRoot === '/') return `/${PROVIDER_METADATA_FILE}`;
  const trimmed = runtimeRoot.replace(/\/+$/, '');
  return trimmed === '' ? PROVIDER_METADATA_FILE : `${trimmed}/${PROVIDER_METADATA_FILE}`;
}

/**
 * Checks that metadata can be written and read back: a known kind, and every value
 * non-blank and on one line.
 * @throws {ProviderError} `ERR_METALOR_PROVIDER_METADATA_INVALID` naming the offending key.
 */
export function validateProviderMetadata(metadata: ProviderRuntimeMetadata): void {
  if (typeof metadata !== 'object' || metadata === null) {
    throw invalid(`invalid provider metadata ${String(metadata)}: expected an object`);
  }
  for (const [key, field] of METADATA_KEYS) {
    const value: unknown = metadata[field];
    if (typeof value !== 'string' || value.trim() === '') {
      throw invalid(`${key} must not be empty: got ${JSON.stringify(value)}`);
    }
    if (/[\r\n\0]/.test(value)) {
      throw invalid(`${key} must be a single line without NUL: got ${JSON.stringify(value)}`);
    }
  }
  try {
    parseProviderKind(metadata.kind);
  } catch {
    throw invalid(`provider_kind ${JSON.stringify(metadata.kind)} is not a provider kind; expected one of: wsl2, mac-local`);
  }
}

/**
 * Renders metadata in the crate's `key=value` format: six lines, each ending in `\n`.
 * @throws {ProviderError} `ERR_METALOR_PROVIDER_METADATA_INVALID` when validation fails.
 */
export function renderProviderMetadataEnv(metadata: ProviderRuntimeMetadata): string {
  validateProviderMetadata(metadata);
  return METADATA_KEYS.map(([key, field]) => `${key}=${metadata[field]}\n`).join('');
}

/**
 * Parses the `key=value` format. Blank lines are skipped and lines are trimmed, as the crate
 * does; a line without `=`, an unknown, repeated or missing key, or an empty value is refused.
 * @throws {ProviderError} `ERR_METALOR_PROVIDER_METADATA_PARSE` naming the key or line;
 * `ERR_METALOR_PROVIDER_METADATA_INVALID` when a value fails validation.
 */
export function parseProviderMetadataEnv(contents: string): ProviderRuntimeMetadata {
  const known = new Set<string>(METADATA_KEYS.map(([key]) => key));
  const values = new Map<MetadataKey, string>();
  for (const raw of contents.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '') continue;
    const eq = line.indexOf('=');
    if (eq < 0) throw parseError(`invalid provider metadata line ${JSON.stringify(line)}: expected key=value`);
    const key = line.slice(0, eq).trim();
    if (!known.has(key)) {
      throw parseError(`unknown provider metadata key ${JSON.stringify(key)}: expected one of ${[...known].join(', ')}`);
    }
    if (values.has(key as MetadataKey)) throw parseError(`provider metadata key ${key} appears more than once`);
    values.set(key as MetadataKey, line.slice(eq + 1));
  }
  const record: Record<string, string> = {};
  for (const [key, field] of METADATA_KEYS) {
    const value = values.get(key);
    if (value === undefined) throw parseError(`missing required provider metadata key ${key}`);
    if (value.trim() === '') throw parseError(`provider metadata key ${key} has an empty value: expected a non-empty value`);
    record[field] = value;
  }
  const metadata = { ...record, kind: parseProviderKind(record.kind ?? '') } as ProviderRuntimeMetadata;
  validateProviderMetadata(metadata);
  return metadata;
}

function parseError(message: string): ProviderError {
  return new ProviderError('ERR_METALOR_PROVIDER_METADATA_PARSE', message);
}

/**
 * Writes metadata to a host file atomically (temporary file, then rename), creating
 * parent directories. A failed write leaves any previous file untouched.
 * @throws {ProviderError} `ERR_METALOR_PROVIDER_METADATA_INVALID` for bad metadata (nothing is written);
 * `ERR_METALOR_PROVIDER_METADATA_IO` when the file cannot be written.
 */
export async function writeProviderMetadataEnv(file: string, metadata: ProviderRuntimeMetadata): Promise<void> {
  const payload = renderProviderMetadataEnv(metadata);
  const temporary = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(temporary, payload, { flag: 'wx' });
    await rename(temporary, file);
  } catch (cause) {
    await rm(temporary, { force: true }).catch(() => undefined);
    throw new ProviderError(
      'ERR_METALOR_PROVIDER_METADATA_IO',
      `failed to write provider metadata ${JSON.stringify(file)}: ${(cause as Error).message}`,
      { cause },
    );
  }
}

/**
 * Reads and parses a host metadata file.
 * @throws {ProviderError} `ERR_METALOR_PROVIDER_METADATA_IO` when it cannot be read; the parse
 * errors of {@link parseProviderMetadataEnv}, with the file named in the message.
 */
export async function readProviderMetadataEnv(file: string): Promise<ProviderRuntimeMetadata> {
  let contents: string;
  try {
    contents = await readFile(file, 'utf8');
  } catch (cause) {
    throw new ProviderError(
      'ERR_METALOR_PROVIDER_METADATA_IO',
      `failed to read provider metadata ${JSON.stringify(file)}: ${(cause as Error).message}`,
      { cause },
    );
  }
  try {
    return parseProviderMetadataEnv(contents);
  } catch (cause) {
    const inner = cause as ProviderError;
    throw new ProviderError(inner.code, `failed to parse provider metadata ${JSON.stringify(file)}: ${inner.message}`, {
      cause,
    });
  }
}
