export { LINUX_RUNNER_PATH, ROOT_SENTINEL_FILE, linuxRunnerEntry } from './constants.js';
export { runBuildCell, runIsolatedContainerCommand } from './inner.js';
export { buildUnshareReexecCommand } from './plan.js';
export { probeRootlessUserns } from './probe.js';
export { formatRunnerArgs, parseRunnerArgs } from './runner-args.js';
export type { BindMount, CommandPlan, ContainerRunCommand, LinuxNamespaceBackend, LinuxNamespaceProbe, RunnerRequest } from './types.js';
export { validateContainerRunCommand } from './validate-command.js';
