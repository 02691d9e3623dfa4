import { describe, expect, it } from 'vitest';
import { normalizeOciReference } from '../index.js';

describe('normalizeOciReference', () => {
  it.each([
    ['debian:12', 'docker://debian:12'],
    ['registry.example/ns/img@sha256:abc', 'docker://registry.example/ns/img@sha256:abc'],
    ['oci:/layouts/x:tag', 'oci:/layouts/x:tag'],
    ['dir:/some/dir', 'dir:/some/dir'],
    ['docker-archive:/a.tar', 'docker-archive:/a.tar'],
    ['oci-archive:/a.tar:t', 'oci-archive:/a.tar:t'],
    ['containers-storage:img', 'containers-storage:img'],
    ['docker://debian:12', 'docker://debian:12'],
    ['docker-daemon://x', 'docker-daemon://x'],
  ])('%s -> %s', (input, expected) => {
    expect(normalizeOciReference(input)).toBe(expected);
  });
  it.each(['', ' ', 'a b', 'x\ny', 'tab\there'])('refuses %j', (input) => {
    expect(() => normalizeOciReference(input)).toThrow(expect.objectContaining({ code: 'ERR_METALOR_OCI_REFERENCE_INVALID' }));
  });
});
