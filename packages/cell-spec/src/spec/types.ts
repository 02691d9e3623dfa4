/** A host path: an absolute path on the machine that stages or runs the cell (`node:path` rules for the host OS). */
export type HostPath = string;

/** A cell path: an absolute POSIX path inside the cell (always `/`-separated). */
export type CellPath = string;

/**
 * How the workspace is filled before the command runs: left empty, copied from a
 * host directory, or unpacked from a `.tar`, `.tar.gz` or `.tgz` archive.
 */
export type WorkspaceSeed =
  | { kind: 'empty' }
  | { kind: 'snapshotDir'; path: HostPath }
  | { kind: 'archive'; path: HostPath };

/** A read-only input: the host `source` is copied or mounted at the cell `destination`. */
export interface ImportSpec {
  source: HostPath;
  destination: CellPath;
}

/** A read-write cache: the host `source` is staged at the cell `destination` and synced back afterwards. */
export interface CacheSpec {
  source: HostPath;
  destination: CellPath;
}

/** An output: the cell `source` is copied to the host `destination` after the command. */
export interface ExportSpec {
  source: CellPath;
  destination: HostPath;
}

/** The command a cell runs: `executable` (absolute cell path or bare name) with `argv`, in `cwd`. */
export interface CommandSpec {
  cwd: CellPath;
  executable: string;
  argv: string[];
}

/** Whether the cell may reach the network. The default is `'enabled'`. */
export type NetworkPolicy = 'enabled' | 'disabled';

/**
 * Resource limits; an absent field means unbounded. Each value is an integer from
 * 0 to 2^53-1 (`Number.MAX_SAFE_INTEGER`).
 */
export interface ResourceLimits {
  cpuTimeSeconds?: number;
  memoryBytes?: number;
  maxProcesses?: number;
}

/** What happens to the scratch area after the cell ran. The default is `'always'` (removed). */
export type CleanupPolicy = 'always' | 'preserveOnFailure' | 'never';

/**
 * A portable build cell: one command with explicit staged inputs (workspace seed,
 * imports, caches) and outputs (exports), exactly the command's environment, a
 * network policy, resource limits and a cleanup policy.
 */
export interface BuildCellSpec {
  /** Host path of the cell's root filesystem. */
  root: HostPath;
  /** Host path of the cell's private staging area. */
  scratch: HostPath;
  /** Absolute cell path of the workspace. */
  workspacePath: CellPath;
  workspaceSeed: WorkspaceSeed;
  imports: ImportSpec[];
  caches: CacheSpec[];
  exports: ExportSpec[];
  command: CommandSpec;
  /** Exactly the command's environment, in order. */
  env: [string, string][];
  network: NetworkPolicy;
  limits: ResourceLimits;
  cleanup: CleanupPolicy;
}

/** What finishing a cell reports: whether the scratch area was kept. */
export interface BuildCellResult {
  scratchPreserved: boolean;
}

/** What a backend can do. */
export interface BackendCaps {
  ociRootfs: boolean;
  liveBindMounts: boolean;
  foreignArchExec: boolean;
  perJobNetworkToggle: boolean;
  profileSelectedNetwork: boolean;
}
