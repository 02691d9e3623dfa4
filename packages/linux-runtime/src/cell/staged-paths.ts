import type { BuildCellSpec } from '@metalor/cell-spec';
import path from 'node:path';

/** A staged host directory or file and the cell path it is bound to. */
export interface StagedMount {
  hostPath: string;
  cellPath: string;
  readOnly: boolean;
  kind: 'workspace' | 'import' | 'cache';
}

/** Host path of the staged workspace inside scratch. */
export function stagedWorkspace(scratch: string): string {
  return path.join(scratch, 'workspace');
}

function depth(cellPath: string): number {
  return cellPath.split('/').filter(Boolean).length;
}

/** Every staged mount of a cell (workspace, imports, caches), parents before children. */
export function stagedMounts(spec: BuildCellSpec): StagedMount[] {
  const mounts: StagedMount[] = [
    { hostPath: stagedWorkspace(spec.scratch), cellPath: spec.workspacePath, readOnly: false, kind: 'workspace' },
    ...(spec.imports ?? []).map((entry, index): StagedMount => ({ hostPath: path.join(spec.scratch, 'imports', String(index)), cellPath: entry.destination, readOnly: true, kind: 'import' })),
    ...(spec.caches ?? []).map((entry, index): StagedMount => ({ hostPath: path.join(spec.scratch, 'caches', String(index)), cellPath: entry.destination, readOnly: false, kind: 'cache' })),
  ];
  return mounts
    .map((mount, order) => ({ mount, order }))
    .sort((a, b) => depth(a.mount.cellPath) - depth(b.mount.cellPath) || a.order - b.order)
    .map(({ mount }) => mount);
}
