import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { shellQuote } from './runner-sidecar.js';

describe('shellQuote', () => {
  it('survives a real sh for quotes, $, backslashes, newlines and globs', () => {
    const values = ["it's", '$HOME `id` $(id)', 'back\\slash', 'multi\nline', '*', '', ' spaced  out '];
    const script = `set -- ${values.map(shellQuote).join(' ')}; for a; do printf '%s\\0' "$a"; done`;
    const out = execFileSync('/bin/sh', ['-c', script], { encoding: 'utf8' });
    expect(out.split('\0').slice(0, -1)).toEqual(values);
  });
});
