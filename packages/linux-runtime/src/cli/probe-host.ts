import { constants } from 'node:fs';
import { access, readdir, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { hostArch, type LinuxArch } from '../arch/arch-names.js';

/** One external tool the runtime shells out to. */
export interface ToolReport {
  name: string;
  path: string | null;
  version: string | null;
}

/** What `metalor probe` found on this host. */
export interface HostReport {
  kernel: string;
  arch: string;
  uid: number;
  namespaces: { privileged: ProbeOutcome; rootless: ProbeOutcome; privateNetwork: ProbeOutcome };
  tools: ToolReport[];
  /** Guest architectures the runtime accepts that have a `qemu-<arch>-static` on PATH. */
  qemu: { arch: LinuxArch; path: string }[];
  binfmt: { mounted: boolean; enabled: boolean | null; registered: string[]; perUserNamespace: boolean };
  /** Commands can run here: some namespace backend works and every tool is found. */
  ok: boolean;
}

/** A namespace attempt: whether it worked and, when not, what `unshare` said. */
export interface ProbeOutcome {
  ok: boolean;
  detail: string;
}

const TOOLS = ['unshare', 'mount', 'flock', 'skopeo', 'umoci', 'getfattr'] as const;
const GUEST_ARCHES: readonly LinuxArch[] = ['x86_64', 'aarch64', 'riscv64'];
const BINFMT = '/proc/sys/fs/binfmt_misc';

/** Finds an executable on a PATH string, as a shell would. */
export async function findOnPath(name: string, searchPath: string): Promise<string | null> {
  for (const dir of searchPath.split(':')) {
    if (dir === '') continue;
    const candidate = path.join(dir, name);
    try {
      await access(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here; keep looking
    }
  }
  return null;
}

async function toolReport(name: string, searchPath: string): Promise<ToolReport> {
  const found = await findOnPath(name, searchPath);
  if (found === null) return { name, path: null, version: null };
  const result = await execa(found, ['--version'], { reject: false, timeout: 10_000, stdin: 'ignore' });
  const firstLine = `${result.stdout}`.split('\n')[0]?.trim() ?? '';
  return { name, path: found, version: result.exitCode === 0 && firstLine !== '' ? firstLine : null };
}

/** Runs `true` under `unshare` with the given flags: the real test of what the kernel allows. */
async function tryUnshare(unshare: string | null, flags: string[]): Promise<ProbeOutcome> {
  if (unshare === null) return { ok: false, detail: 'unshare not found' };
  const result = await execa(unshare, [...flags, '--', 'true'], { reject: false, timeout: 10_000, stdin: 'ignore' });
  if (result.exitCode === 0) return { ok: true, detail: `unshare ${flags.join(' ')}` };
  return { ok: false, detail: `${`${result.stderr}`.trim() || `unshare exited ${result.exitCode}`}` };
}

async function binfmtReport(release: string): Promise<HostReport['binfmt']> {
  let enabled: boolean | null = null;
  let registered: string[] = [];
  let mounted = false;
  try {
    enabled = (await readFile(path.join(BINFMT, 'status'), 'utf8')).trim() === 'enabled';
    mounted = true;
    registered = (await readdir(BINFMT)).filter((f) => f !== 'status' && f !== 'register').sort();
  } catch {
    // not mounted on the host: cells register handlers in their own user namespace (6.7+)
  }
  return { mounted, enabled, registered, perUserNamespace: kernelAtLeast(release, 6, 7) };
}

/** True when a kernel release string such as `6.8.0-45-generic` is at least major.minor. */
export function kernelAtLeast(release: string, major: number, minor: number): boolean {
  const match = /^(\d+)\.(\d+)/.exec(release);
  if (!match) return false;
  const [a, b] = [Number(match[1]), Number(match[2])];
  return a > major || (a === major && b >= minor);
}

/**
 * Probes this host for what the runtime needs: real `unshare` attempts for the privileged
 * and rootless backends and a private network namespace, the tools on `searchPath`, the
 * qemu emulators and the binfmt_misc state. Never throws for a missing capability: it reports it.
 */
export async function probeHost(searchPath: string = process.env.PATH ?? ''): Promise<HostReport> {
  const release = os.release();
  const tools = await Promise.all(TOOLS.map((name) => toolReport(name, searchPath)));
  const unshare = tools.find((t) => t.name === 'unshare')?.path ?? null;
  const [privileged, rootless, privateNetwork] = await Promise.all([
    tryUnshare(unshare, ['--fork', '--pid', '--mount', '--uts', '--ipc']),
    tryUnshare(unshare, ['--fork', '--user', '--map-root-user', '--pid', '--mount', '--uts', '--ipc']),
    tryUnshare(unshare, ['--fork', '--user', '--map-root-user', '--net']),
  ]);
  const host = safeHostArch();
  const qemu: HostReport['qemu'] = [];
  for (const arch of GUEST_ARCHES.filter((a) => a !== host)) {
    const found = await findOnPath(`qemu-${arch}-static`, searchPath);
    if (found !== null) qemu.push({ arch, path: found });
  }
  return {
    kernel: release,
    arch: host,
    uid: process.getuid?.() ?? -1,
    namespaces: { privileged, rootless, privateNetwork },
    tools,
    qemu,
    binfmt: await binfmtReport(release),
    ok: (privileged.ok || rootless.ok) && tools.every((t) => t.path !== null),
  };
}

function safeHostArch(): string {
  try {
    return hostArch();
  } catch {
    return process.arch;
  }
}

const yesNo = (outcome: ProbeOutcome) => (outcome.ok ? 'yes' : `no (${outcome.detail})`);

/** The report as the text `metalor probe` prints. */
export function formatHostReport(report: HostReport): string {
  const lines = [
    `host         Linux ${report.kernel} (${report.arch}), uid ${report.uid}`,
    `namespaces   privileged: ${yesNo(report.namespaces.privileged)}`,
    `             rootless (user namespace): ${yesNo(report.namespaces.rootless)}`,
    `             private network: ${yesNo(report.namespaces.privateNetwork)}`,
  ];
  report.tools.forEach((tool, i) => {
    const label = i === 0 ? 'tools        ' : '             ';
    lines.push(`${label}${tool.name}: ${tool.path === null ? 'MISSING' : `${tool.path}${tool.version ? ` (${tool.version})` : ''}`}`);
  });
  lines.push(`qemu         ${report.qemu.length === 0
    ? 'no foreign architecture (no qemu-<arch>-static on PATH)'
    : report.qemu.map((q) => `${q.arch} (${q.path})`).join(', ')}`);
  const b = report.binfmt;
  lines.push(`binfmt_misc  host: ${b.mounted ? `mounted, ${b.enabled ? 'enabled' : 'disabled'}, ${b.registered.length} handlers${b.registered.length ? ` (${b.registered.join(', ')})` : ''}` : 'not mounted'}`);
  lines.push(`             per user namespace: ${b.perUserNamespace ? 'yes (kernel 6.7+): handlers stay inside the cell' : 'no (kernel older than 6.7): foreign-architecture cells cannot run'}`);
  lines.push(`result       ${report.ok ? 'ok: commands can run on this host' : `NOT READY: ${missingSummary(report)}`}`);
  return `${lines.join('\n')}\n`;
}

function missingSummary(report: HostReport): string {
  const missing = report.tools.filter((t) => t.path === null).map((t) => t.name);
  const parts: string[] = [];
  if (!report.namespaces.privileged.ok && !report.namespaces.rootless.ok) parts.push('no namespace backend works (run as root or allow unprivileged user namespaces)');
  if (missing.length) parts.push(`missing tools: ${missing.join(', ')} (Debian packages util-linux, mount, skopeo, umoci, attr)`);
  return parts.join('; ');
}
