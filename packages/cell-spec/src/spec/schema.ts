import { z } from 'zod';
import type {
  BackendCaps,
  BuildCellResult,
  BuildCellSpec,
  CacheSpec,
  CleanupPolicy,
  CommandSpec,
  ExportSpec,
  ImportSpec,
  NetworkPolicy,
  ResourceLimits,
  WorkspaceSeed,
} from './types.js';

/** The largest limit value: 2^53-1, the largest integer a JavaScript number holds exactly. */
export const MAX_LIMIT_VALUE = Number.MAX_SAFE_INTEGER;

const isWellFormed = (value: string): boolean =>
  (value as string & { isWellFormed(): boolean }).isWellFormed();

// Rust strings cannot hold lone surrogates, so a spec with one could not cross the wire.
const text = z.string().refine(isWellFormed, { message: 'must be well-formed Unicode (no lone surrogates)' });

/** Zod schema of {@link WorkspaceSeed}. */
export const workspaceSeedSchema: z.ZodType<WorkspaceSeed> = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('empty') }),
  z.object({ kind: z.literal('snapshotDir'), path: text }),
  z.object({ kind: z.literal('archive'), path: text }),
]);

/** Zod schema of {@link ImportSpec}. */
export const importSpecSchema: z.ZodType<ImportSpec> = z.object({ source: text, destination: text });

/** Zod schema of {@link CacheSpec}. */
export const cacheSpecSchema: z.ZodType<CacheSpec> = z.object({ source: text, destination: text });

/** Zod schema of {@link ExportSpec}. */
export const exportSpecSchema: z.ZodType<ExportSpec> = z.object({ source: text, destination: text });

/** Zod schema of {@link CommandSpec}; `argv` defaults to `[]`. */
export const commandSpecSchema = z.object({
  cwd: text,
  executable: text,
  argv: z.array(text).default([]),
}) satisfies z.ZodType<CommandSpec, unknown>;

/** Zod schema of {@link NetworkPolicy}. */
export const networkPolicySchema: z.ZodType<NetworkPolicy> = z.enum(['enabled', 'disabled']);

/** Zod schema of {@link CleanupPolicy}. */
export const cleanupPolicySchema: z.ZodType<CleanupPolicy> = z.enum(['always', 'preserveOnFailure', 'never']);

const limit = z
  .number()
  .refine((value) => Number.isSafeInteger(value) && value >= 0 && !Object.is(value, -0), {
    message: `expected an integer from 0 to ${MAX_LIMIT_VALUE} (2^53-1)`,
  })
  .optional();

/** Zod schema of {@link ResourceLimits}: each present value an integer from 0 to 2^53-1. */
export const resourceLimitsSchema = z.object({
  cpuTimeSeconds: limit,
  memoryBytes: limit,
  maxProcesses: limit,
}) satisfies z.ZodType<ResourceLimits, unknown>;

/** Zod schema of one environment pair `[key, value]`. */
export const envPairSchema = z.tuple([text, text]);

/**
 * Zod schema of {@link BuildCellSpec}. Parsing fills the same defaults as the wire format:
 * empty `imports`, `caches`, `exports`, `env` and `argv`, network `'enabled'`, no limits,
 * cleanup `'always'`. It checks shape only; {@link validateBuildCellSpec} checks the rules.
 */
export const buildCellSpecSchema = z.object({
  root: text,
  scratch: text,
  workspacePath: text,
  workspaceSeed: workspaceSeedSchema,
  imports: z.array(importSpecSchema).default([]),
  caches: z.array(cacheSpecSchema).default([]),
  exports: z.array(exportSpecSchema).default([]),
  command: commandSpecSchema,
  env: z.array(envPairSchema).default([]),
  network: networkPolicySchema.default('enabled'),
  limits: resourceLimitsSchema.default({}),
  cleanup: cleanupPolicySchema.default('always'),
}) satisfies z.ZodType<BuildCellSpec, unknown>;

/**
 * A spec as a caller may write it: the fields with defaults (`imports`, `caches`,
 * `exports`, `env`, `network`, `limits`, `cleanup`, `command.argv`) may be left out.
 * Every {@link BuildCellSpec} is one.
 */
export type BuildCellSpecInput = Omit<BuildCellSpec, 'imports' | 'caches' | 'exports' | 'env' | 'network' | 'limits' | 'cleanup' | 'command'> &
  Partial<Pick<BuildCellSpec, 'imports' | 'caches' | 'exports' | 'env' | 'network' | 'limits' | 'cleanup'>> & {
    command: Omit<CommandSpec, 'argv'> & { argv?: string[] };
  };

/** Zod schema of {@link BuildCellResult}. */
export const buildCellResultSchema = z.object({ scratchPreserved: z.boolean() }) satisfies z.ZodType<BuildCellResult>;

/** Zod schema of {@link BackendCaps}. */
export const backendCapsSchema = z.object({
  ociRootfs: z.boolean(),
  liveBindMounts: z.boolean(),
  foreignArchExec: z.boolean(),
  perJobNetworkToggle: z.boolean(),
  profileSelectedNetwork: z.boolean(),
}) satisfies z.ZodType<BackendCaps>;
