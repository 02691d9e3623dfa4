/** The CLI's help texts. Printed on `--help` (stdout, exit 0) and after a usage error (stderr, exit 2). */
export const MAIN_USAGE = `Usage: metalor <command> [options]

Commands:
  run    run a command in an OCI image inside private Linux namespaces
  cell   run a build-cell request file (the wire format of the Rust crate and @metalor/cell-spec)
  probe  report what this host supports (namespaces, rootless, tools, qemu arches, binfmt)

Options common to run and cell:
  --state-dir DIR   runtime root prefix (env METALOR_STATE_DIR; default
                    /var/tmp/metalor as root, else $XDG_CACHE_HOME/metalor or ~/.cache/metalor)
  --cache-dir DIR   OCI layout cache, reused across runs (env METALOR_CACHE_DIR; default <state-dir>/oci-cache)
  --rootless        use an unprivileged user namespace (default: rootless when the kernel allows, else privileged)
  -q, --quiet       no progress output (progress is shown only when stderr is a terminal)
  -h, --help        this help
  --version         the version of @metalor/linux-runtime

Run "metalor <command> --help" for a command's options.
Exit status: the command's own (128+N when killed by signal N); 124 after --timeout;
130 when interrupted; 2 for bad arguments; 125 when metalor fails before or around the command.
`;

export const RUN_USAGE = `Usage: metalor run --image REF [options] [--] [CMD [ARGS...]]

Prepares the image's root filesystem (skopeo + umoci, cached) and runs CMD in it inside
private namespaces. Without CMD the image's default command runs.

Options:
  --image REF           image reference: docker://..., oci:DIR[:TAG], oci-archive:FILE, docker-archive:FILE,
                        dir:DIR, containers-storage:...; a bare name means docker://NAME
  --arch ARCH           image architecture (x86_64/amd64, aarch64/arm64, riscv64); foreign ones run under qemu
  --network on|off      off: a private network namespace with only loopback (default on)
  --mount SRC:DST[:ro]  bind the host path SRC at the cell path DST (read-write unless :ro); repeatable
  --env K=V             set a variable (K alone copies it from this environment); repeatable.
                        The command gets the image's environment plus these, nothing else
  --cwd DIR             working directory in the cell (default: the image's, else /)
  --timeout SECONDS     kill the whole cell after this many seconds
  --state-dir DIR, --cache-dir DIR, --rootless, -q/--quiet, -h/--help   as for every command
`;

export const CELL_USAGE = `Usage: metalor cell [options] REQUEST.json

Runs the build cell a request file describes (root, scratch, workspace seed, imports, caches,
exports, command, env, network, limits, cleanup), then prints the result as one JSON line on
stdout: {"exitCode":N,"signal":null,"scratchPreserved":false}. The request's root and scratch
must lie under the state directory.

Options:
  --timeout SECONDS     kill the whole cell after this many seconds
  --state-dir DIR, --rootless, -q/--quiet, -h/--help   as for every command
`;

export const PROBE_USAGE = `Usage: metalor probe [--json]

Reports what this host supports: private namespaces (privileged and rootless), the tools the
runtime uses (unshare, mount, flock, skopeo, umoci, getfattr), the qemu user-mode emulators on PATH and their
binfmt_misc state. Exits 0 when commands can run here (namespaces and tools), else 1.

Options:
  --json      one JSON object instead of text
  -h, --help  this help
`;
