import { describe, expect, it } from 'vitest';
import { decodeCellExit, runnerRefusal } from './runner-outcome.js';

describe('decodeCellExit', () => {
  it('reads 128+N as the signal N and keeps ordinary statuses', () => {
    expect(decodeCellExit(137, null)).toEqual({ exitCode: null, signal: 'SIGKILL' });
    expect(decodeCellExit(143, undefined)).toEqual({ exitCode: null, signal: 'SIGTERM' });
    expect(decodeCellExit(3, null)).toEqual({ exitCode: 3, signal: null });
    expect(decodeCellExit(255, null)).toEqual({ exitCode: 255, signal: null });
    expect(decodeCellExit(undefined, 'SIGKILL')).toEqual({ exitCode: null, signal: 'SIGKILL' });
  });
});

describe('runnerRefusal', () => {
  it('turns status 125 with a coded line into a LinuxRuntimeError, and nothing else', () => {
    const error = runnerRefusal(125, 'ERR_METALOR_SYMLINK_COMPONENT: mount target component /r/etc is a symlink\n');
    expect(error).toMatchObject({ name: 'LinuxRuntimeError', code: 'ERR_METALOR_SYMLINK_COMPONENT', message: 'mount target component /r/etc is a symlink', exitCode: 125 });
    expect(runnerRefusal(125, 'no code here')).toBeNull();
    expect(runnerRefusal(1, 'ERR_METALOR_X: y')).toBeNull();
  });
});
