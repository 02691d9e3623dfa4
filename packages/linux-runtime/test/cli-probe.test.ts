import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { formatHostReport, kernelAtLeast, probeHost } from '../src/cli/probe-host.js';

const emptyDir = mkdtempSync(path.join(tmpdir(), 'metalor-probe-'));
afterAll(() => rmSync(emptyDir, { recursive: true, force: true }));

describe('metalor probe', () => {
  it('finds the namespaces and tools this host provides (CI runs as root with every tool)', async () => {
    const report = await probeHost(process.env.PATH ?? '');
    const missing = report.tools.filter((t) => t.path === null).map((t) => t.name);
    if (missing.length > 0 || !report.namespaces.privileged.ok) {
      throw new Error(`this host lacks what the CLI tests need: tools ${missing.join(', ') || 'none missing'}; `
        + `privileged namespaces: ${report.namespaces.privileged.detail} (run tooling/scripts/setup.sh, as root)`);
    }
    expect(report.ok).toBe(true);
    expect(report.tools.map((t) => t.name)).toEqual(['unshare', 'mount', 'flock', 'skopeo', 'umoci', 'getfattr']);
    expect(report.tools.find((t) => t.name === 'skopeo')?.version).toMatch(/skopeo version \d/);
    expect(report.qemu.map((q) => q.arch)).toContain('aarch64');
    const text = formatHostReport(report);
    expect(text).toMatch(/^namespaces {3}privileged: yes$/m);
    expect(text).toMatch(/^qemu {9}aarch64 \(\/\S+qemu-aarch64-static\)/m);
    expect(text).toMatch(/^result {7}ok: commands can run on this host$/m);
  });

  it('reports missing tools and no working backend when PATH holds nothing', async () => {
    const report = await probeHost(emptyDir);
    expect(report.ok).toBe(false);
    expect(report.tools.every((t) => t.path === null)).toBe(true);
    expect(report.namespaces.privileged).toEqual({ ok: false, detail: 'unshare not found' });
    expect(report.qemu).toEqual([]);
    const text = formatHostReport(report);
    expect(text).toMatch(/^tools {8}unshare: MISSING$/m);
    expect(text).toMatch(/^result {7}NOT READY: no namespace backend works .*; missing tools: unshare, mount, flock, skopeo, umoci, getfattr/m);
  });

  it('knows which kernels register binfmt handlers per user namespace', () => {
    expect(kernelAtLeast('6.7.0', 6, 7)).toBe(true);
    expect(kernelAtLeast('6.18.44-fc', 6, 7)).toBe(true);
    expect(kernelAtLeast('6.6.30', 6, 7)).toBe(false);
    expect(kernelAtLeast('5.15.0-91-generic', 6, 7)).toBe(false);
    expect(kernelAtLeast('garbage', 6, 7)).toBe(false);
  });
});
