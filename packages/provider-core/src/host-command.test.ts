import { describe, expect, it } from 'vitest';
import { ProviderError, decodeConsoleOutput, runHostCommand } from './index.js';

const utf16 = (text: string, bom = true) => new Uint8Array([...(bom ? [0xff, 0xfe] : []), ...Buffer.from(text, 'utf16le')]);

describe('decodeConsoleOutput', () => {
  it('decodes UTF-16LE with and without a BOM, and UTF-8', () => {
    expect(decodeConsoleOutput(utf16('Ubuntu\r\n'))).toBe('Ubuntu\r\n');
    expect(decodeConsoleOutput(utf16('Debian\r\n', false))).toBe('Debian\r\n');
    expect(decodeConsoleOutput(Buffer.from('\uFEFFAlpine\n', 'utf8'))).toBe('Alpine\n');
    expect(decodeConsoleOutput(new Uint8Array())).toBe('');
  });

  it('refuses invalid bytes only when asked to be strict', () => {
    const bad = new Uint8Array([0x41, 0xc3, 0x28]);
    expect(decodeConsoleOutput(bad)).toBe('A\uFFFD(');
    expect(() => decodeConsoleOutput(bad, { fatal: true })).toThrow(
      expect.objectContaining({ code: 'ERR_METALOR_CONSOLE_OUTPUT_INVALID' }),
    );
  });
});

describe('runHostCommand', () => {
  it('returns raw and decoded output and logs the command and its lines', async () => {
    const lines: string[] = [];
    const result = await runHostCommand('sh', ['-c', 'printf "a\\nb\\n"; printf e >&2'], { log: (line) => lines.push(line) });
    expect(result.stdoutText).toBe('a\nb\n');
    expect(Buffer.from(result.stdout).toString()).toBe('a\nb\n');
    expect(lines).toEqual(['run host sh -c printf "a\\nb\\n"; printf e >&2', 'a', 'b', 'e']);
  });

  it('reports failure with status and decoded UTF-16 output', async () => {
    const error = await runHostCommand('sh', ['-c', `printf '\\377\\376o\\000k\\000'; exit 4`]).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ code: 'ERR_METALOR_HOST_COMMAND_FAILED', exitCode: 4 });
    expect((error as Error).message).toBe('host command "sh" failed with exit code 4\nstdout: ok');
  });

  it('reports a missing program as a spawn failure', async () => {
    await expect(runHostCommand('/nonexistent/tool', [])).rejects.toMatchObject({ code: 'ERR_METALOR_PROVIDER_SPAWN_FAILED' });
  });
});
