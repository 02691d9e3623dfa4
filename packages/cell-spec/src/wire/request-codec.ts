import { CellSpecError } from '../errors.js';
import { shapeError } from '../spec/shape-error.js';
import type { BuildCellSpec, CleanupPolicy, NetworkPolicy, WorkspaceSeed } from '../spec/types.js';
import type { BuildCellSpecInput } from '../spec/schema.js';
import { parseBuildCellSpec } from '../spec/validate.js';
import { buildCellRequestWireSchema } from './request-schema.js';
import { type PrettyValue, writeSerdePretty } from './serde-json-writer.js';
import { parseStrictJson } from './strict-json.js';

const NETWORK_WIRE: Record<NetworkPolicy, string> = { enabled: 'Enabled', disabled: 'Disabled' };
const CLEANUP_WIRE: Record<CleanupPolicy, string> = { always: 'Always', preserveOnFailure: 'PreserveOnFailure', never: 'Never' };

function seedToWire(seed: WorkspaceSeed): PrettyValue {
  if (seed.kind === 'snapshotDir') return { SnapshotDir: seed.path };
  if (seed.kind === 'archive') return { Archive: seed.path };
  return 'Empty';
}

/** The spec as the crate's serde structure, keys in the crate's field order. */
function specToWire(spec: BuildCellSpec): PrettyValue {
  const mapping = (entry: { source: string; destination: string }) => ({ source: entry.source, destination: entry.destination });
  return {
    root: spec.root,
    scratch: spec.scratch,
    workspace_path: spec.workspacePath,
    workspace_seed: seedToWire(spec.workspaceSeed),
    imports: spec.imports.map(mapping),
    caches: spec.caches.map(mapping),
    exports: spec.exports.map(mapping),
    command: { cwd: spec.command.cwd, executable: spec.command.executable, argv: [...spec.command.argv] },
    env: spec.env.map(([key, value]) => [key, value]),
    network: NETWORK_WIRE[spec.network],
    limits: {
      cpu_time_seconds: spec.limits.cpuTimeSeconds ?? null,
      memory_bytes: spec.limits.memoryBytes ?? null,
      max_processes: spec.limits.maxProcesses ?? null,
    },
    cleanup: CLEANUP_WIRE[spec.cleanup],
  };
}

/**
 * Encodes a spec as the crate's request JSON, byte for byte what
 * `serde_json::to_vec_pretty` writes: snake_case keys in the crate's order, two-space
 * indent, no final newline. Fields with defaults may be left out of `spec`.
 *
 * @throws {CellSpecError} `ERR_METALOR_SPEC_INVALID` when `spec` is not shaped like a
 * spec (for example a fractional limit or a lone surrogate in a string).
 */
export function encodeBuildCellRequest(spec: BuildCellSpecInput): string {
  return writeSerdePretty(specToWire(parseBuildCellSpec(spec)));
}

const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function toText(json: string | Uint8Array): string {
  if (typeof json === 'string') return json;
  try {
    return UTF8.decode(json);
  } catch (error) {
    throw new CellSpecError('ERR_METALOR_REQUEST_SYNTAX', '$: build cell request is not valid UTF-8', { cause: error });
  }
}

/**
 * Decodes request JSON written by either implementation into a spec, with the
 * crate's defaults for missing fields. Accepts text or UTF-8 bytes. Checks the wire
 * shape only; call {@link validateBuildCellSpec} for the rules.
 *
 * @throws {CellSpecError} naming the JSON path of the first problem:
 * `ERR_METALOR_REQUEST_SYNTAX` (malformed JSON, byte order mark, trailing text),
 * `ERR_METALOR_REQUEST_DUPLICATE_KEY`, `ERR_METALOR_REQUEST_LIMIT_OUT_OF_RANGE`
 * (a limit above 2^53-1), `ERR_METALOR_REQUEST_INVALID` (wrong type, `null` where a
 * value is required, unknown variant, negative or fractional limit, bad env pair).
 */
export function decodeBuildCellRequest(json: string | Uint8Array): BuildCellSpec {
  const document = parseStrictJson(toText(json));
  const parsed = buildCellRequestWireSchema.safeParse(document);
  if (!parsed.success) throw shapeError(parsed.error, document, '$', 'ERR_METALOR_REQUEST_INVALID');
  return parsed.data;
}
