import { z } from 'zod';
import type { CellSpecErrorCode } from '../errors.js';
import { MAX_LIMIT_VALUE } from '../spec/schema.js';
import type { BuildCellSpec, CleanupPolicy, NetworkPolicy, ResourceLimits, WorkspaceSeed } from '../spec/types.js';
import { JsonFloat } from './json-float.js';

type Context = z.core.$RefinementCtx;

function refuse(ctx: Context, message: string, code?: CellSpecErrorCode, path?: PropertyKey[]): typeof z.NEVER {
  ctx.addIssue({ code: 'custom', message, ...(code ? { params: { code } } : {}), ...(path ? { path } : {}) });
  return z.NEVER;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof JsonFloat);
}

/**
 * A serde externally tagged enum: a unit variant is `"Name"` (or `{"Name": null}`),
 * a newtype variant is `{"Name": "value"}`.
 */
function externallyTagged<T>(units: Record<string, T>, newtypes: Record<string, (value: string) => T>) {
  const expected = [
    ...Object.keys(units).map((name) => JSON.stringify(name)),
    ...Object.keys(newtypes).map((name) => `{${JSON.stringify(name)}: path}`),
  ].join(', ');
  return z.unknown().transform((value, ctx): T => {
    if (typeof value === 'string' && Object.hasOwn(units, value)) return units[value]!;
    if (isRecord(value)) {
      const keys = Object.keys(value);
      const name = keys[0];
      if (keys.length === 1 && name !== undefined && Object.hasOwn(units, name)) {
        if (value[name] === null) return units[name]!;
        return refuse(ctx, `unit variant ${JSON.stringify(name)} takes no value: expected null`, undefined, [name]);
      }
      if (keys.length === 1 && name !== undefined && Object.hasOwn(newtypes, name)) {
        const inner = value[name];
        if (typeof inner === 'string') return newtypes[name]!(inner);
        return refuse(ctx, `variant ${JSON.stringify(name)} expects a string`, undefined, [name]);
      }
    }
    return refuse(ctx, `expected one of ${expected}`);
  });
}

const text = z.string({ error: 'expected a string' });

const seedWire = externallyTagged<WorkspaceSeed>(
  { Empty: { kind: 'empty' } },
  { SnapshotDir: (path) => ({ kind: 'snapshotDir', path }), Archive: (path) => ({ kind: 'archive', path }) },
);
const networkWire = externallyTagged<NetworkPolicy>({ Enabled: 'enabled', Disabled: 'disabled' }, {});
const cleanupWire = externallyTagged<CleanupPolicy>(
  { Always: 'always', PreserveOnFailure: 'preserveOnFailure', Never: 'never' },
  {},
);

const limitWire = z.unknown().transform((value, ctx): number | undefined => {
  if (value === null || value === undefined) return undefined;
  const range = `an integer from 0 to ${MAX_LIMIT_VALUE} (2^53-1) or null`;
  if (typeof value === 'bigint') {
    return value > 0n
      ? refuse(ctx, `exceeds 2^53-1: expected ${range}`, 'ERR_METALOR_REQUEST_LIMIT_OUT_OF_RANGE')
      : refuse(ctx, `must not be negative: expected ${range}`);
  }
  if (typeof value === 'number' && value >= 0 && !Object.is(value, -0)) return value;
  if (typeof value === 'number') return refuse(ctx, `must not be negative: expected ${range}`);
  if (value instanceof JsonFloat) return refuse(ctx, `must be a whole number without fraction or exponent: expected ${range}`);
  return refuse(ctx, `expected ${range}`);
});

const envPairWire = z.unknown().transform((value, ctx): [string, string] => {
  if (Array.isArray(value) && value.length === 2 && typeof value[0] === 'string' && typeof value[1] === 'string') {
    return [value[0], value[1]];
  }
  return refuse(ctx, 'expected a ["KEY", "VALUE"] pair of exactly two strings');
});

const mappingWire = z.object({ source: text, destination: text });

function definedLimits(limits: Record<keyof ResourceLimits, number | undefined>): ResourceLimits {
  const out: ResourceLimits = {};
  for (const key of ['cpuTimeSeconds', 'memoryBytes', 'maxProcesses'] as const) {
    if (limits[key] !== undefined) out[key] = limits[key];
  }
  return out;
}

const limitsWire = z
  .object({ cpu_time_seconds: limitWire.optional(), memory_bytes: limitWire.optional(), max_processes: limitWire.optional() })
  .transform((limits) =>
    definedLimits({ cpuTimeSeconds: limits.cpu_time_seconds, memoryBytes: limits.memory_bytes, maxProcesses: limits.max_processes }),
  );

/**
 * Zod schema of the request wire format (the crate's serde JSON) as read by
 * {@link parseStrictJson}; it yields a camelCase {@link BuildCellSpec}. Missing
 * `imports`, `caches`, `exports`, `env`, `network`, `limits`, `cleanup` and `argv` take
 * their defaults; `null` for any of them is refused, as serde does. Unknown keys are ignored.
 */
export const buildCellRequestWireSchema = z
  .object({
    root: text,
    scratch: text,
    workspace_path: text,
    workspace_seed: seedWire,
    imports: z.array(mappingWire).default([]),
    caches: z.array(mappingWire).default([]),
    exports: z.array(mappingWire).default([]),
    command: z.object({ cwd: text, executable: text, argv: z.array(text).default([]) }),
    env: z.array(envPairWire).default([]),
    network: networkWire.default('enabled'),
    limits: limitsWire.default({}),
    cleanup: cleanupWire.default('always'),
  })
  .transform(
    (wire): BuildCellSpec => ({
      root: wire.root,
      scratch: wire.scratch,
      workspacePath: wire.workspace_path,
      workspaceSeed: wire.workspace_seed,
      imports: wire.imports,
      caches: wire.caches,
      exports: wire.exports.map((entry) => ({ source: entry.source, destination: entry.destination })),
      command: wire.command,
      env: wire.env,
      network: wire.network,
      limits: wire.limits,
      cleanup: wire.cleanup,
    }),
  );
