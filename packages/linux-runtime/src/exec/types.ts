/** A host path bind-mounted into the cell. */
export interface BindMount {
  /** Absolute host path (no `..`). */
  source: string;
  /** Absolute cell path, not `/`. */
  destination: string;
  /** Remount read-only after binding. */
  readOnly: boolean;
}

/** One command to run inside a root filesystem in private namespaces. */
export interface ContainerRunCommand {
  /** Host path of the root filesystem; must lie below the runtime root prefix. */
  root: string;
  /** Absolute cell path to start in. */
  cwd: string;
  /** Bind mounts, made in order (parents before children). */
  mounts: BindMount[];
  /** Exactly the command's environment. */
  env: [string, string][];
  /** Cell path of a `qemu-<arch>-static` below `/.metalor-run/` for foreign-arch roots. */
  emulator?: string;
  /** Absolute cell path or a bare command name looked up in the env's `PATH`. */
  executable: string;
  /** Arguments after the executable. */
  argv: string[];
}

/** How namespaces are made: as root (`privileged`) or in a new user namespace (`rootlessUser`). */
export type LinuxNamespaceBackend = 'privileged' | 'rootlessUser';

/** What to spawn: `file` with `args`; `env` holds variables to add to the spawning process's environment. */
export interface CommandPlan {
  file: string;
  args: string[];
  env: Record<string, string>;
}

/** Outcome of {@link probeRootlessUserns}. */
export interface LinuxNamespaceProbe {
  backend: LinuxNamespaceBackend;
  disableNetwork: boolean;
  /** True when the rootless namespaces could be created. */
  ok: boolean;
  /** Exit status of the probe (`null` when it died by a signal or could not start). */
  status: number | null;
  /** What the probe printed on stderr (why it failed). */
  stderr: string;
}

/** What {@link parseRunnerArgs} read: a command to run, or the path of a build-cell request. */
export type RunnerRequest =
  | { kind: 'container'; command: ContainerRunCommand }
  | { kind: 'buildCell'; requestPath: string };
