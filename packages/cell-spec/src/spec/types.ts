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
  /** Host file or directory to stage. */
  source: HostPath;
  /** Where it appears in the cell. */
  destination: CellPath;
}

/** A read-write cache: the host `source` is staged at the cell `destination` and synced back afterwards. */
export interface CacheSpec {
  /** Host directory holding the cache; it need not exist yet. */
  source: HostPath;
  /** Where the cache appears in the cell. */
  destination: CellPath;
}

/** An output: the cell `source` is copied to the host `destination` after the command. */
export interface ExportSpec {
  /** Cell file or directory the command produces. */
  source: CellPath;
  /** Host path it is copied to, replacing what is there. */
  destination: HostPath;
}

/** The command a cell runs: `executable` (absolute cell path or bare name) with `argv`, in `cwd`. */
export interface CommandSpec {
  /** Absolute cell path the command starts in. */
  cwd: CellPath;
  /** Absolute cell path, or a bare command name looked up on the environment's `PATH`. */
  executable: string;
  /** Arguments after the executable (not including it). */
  argv: string[];
}

/** Whether the cell may reach the network. The default is `'enabled'`. */
export type NetworkPolicy = 'enabled' | 'disabled';

/**
 * Resource limits; an absent field means unbounded. Each value is an integer from
 * 0 to 2^53-1 (`Number.MAX_SAFE_INTEGER`).
 */
export interface ResourceLimits {
  /** CPU time in seconds (`RLIMIT_CPU`). */
  cpuTimeSeconds?: number;
  /** Address space in bytes (`RLIMIT_AS`). */
  memoryBytes?: number;
  /** Number of processes (`RLIMIT_NPROC`). */
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
  /** How the workspace is filled before the command runs. */
  workspaceSeed: WorkspaceSeed;
  /** Read-only inputs. */
  imports: ImportSpec[];
  /** Read-write caches, synced back afterwards. */
  caches: CacheSpec[];
  /** Outputs copied out afterwards. */
  exports: ExportSpec[];
  /** The command to run. */
  command: CommandSpec;
  /** Exactly the command's environment, in order. */
  env: [string, string][];
  /** Whether the cell may reach the network. */
  network: NetworkPolicy;
  /** Resource limits; empty means unbounded. */
  limits: ResourceLimits;
  /** What happens to the scratch area afterwards. */
  cleanup: CleanupPolicy;
}

/** What finishing a cell reports: whether the scratch area was kept. */
export interface BuildCellResult {
  /** True when the scratch area was kept (cleanup `'never'`, or `'preserveOnFailure'` after a failure). */
  scratchPreserved: boolean;
}

/** What a backend can do. */
export interface BackendCaps {
  /** Runs commands inside an OCI root filesystem. */
  ociRootfs: boolean;
  /** Imports and caches are live bind mounts rather than copies. */
  liveBindMounts: boolean;
  /** Runs binaries of another architecture (through an emulator). */
  foreignArchExec: boolean;
  /** The network policy can be chosen per job. */
  perJobNetworkToggle: boolean;
  /** The network policy comes from a profile chosen ahead of time. */
  profileSelectedNetwork: boolean;
}
