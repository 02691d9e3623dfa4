import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * An executable `wsl.exe` test double speaking the real CLI byte for byte where metalor
 * listens: its own messages in UTF-16LE with a BOM and CRLF line ends, exit status 255 (the
 * -1 wsl.exe returns, as a POSIX host sees it) for failures, and `bash -lc SCRIPT` run in a
 * real bash with stdin and stdout passed straight through.
 */
const SCRIPT = String.raw`#!/usr/bin/env bash
set -u
state="$METALOR_WSL_DOUBLE_STATE"
online="Ubuntu Ubuntu-24.04 Ubuntu-22.04 Debian kali-linux AlmaLinux-9"
utf16() {
  # BOM, then every byte of the (ASCII) text followed by a NUL: UTF-16LE.
  local text=$1 i
  printf '\377\376'
  for ((i = 0; i < ${"${#text}"}; i++)); do printf '%s\000' "${"${text:i:1}"}"; done
}
fail() { utf16 "$1"$'\r\n'"Error code: $2"$'\r\n'; exit 255; }
installed() { [ -f "$state" ] && grep -qxF -- "$1" "$state"; }
[ -n "${"${METALOR_WSL_DOUBLE_LOG:-}"}" ] && printf '%s\n' "$*" >> "$METALOR_WSL_DOUBLE_LOG"
case "${"${1:-}"}" in
  --list|-l)
    [ "${"${2:-}"}" = --quiet ] || [ "${"${2:-}"}" = -q ] || fail "Invalid command line argument: ${"${2:-}"}" Wsl/E_INVALIDARG
    if [ ! -s "$state" ]; then
      fail "Windows Subsystem for Linux has no installed distributions."$'\r\n'"You can resolve this by installing a distribution with the instructions below:"$'\r\n\r\n'"Use 'wsl.exe --list --online' to list available distributions"$'\r\n'"and 'wsl.exe --install <Distro>' to install." Wsl/WSL_E_DEFAULT_DISTRO_NOT_FOUND
    fi
    text=
    while IFS= read -r name; do text+="$name"$'\r\n'; done < "$state"
    utf16 "$text"
    exit 0 ;;
  --install)
    [ "$2" = --distribution ] && [ "$4" = --no-launch ] && [ "$5" = --web-download ] || fail "Invalid command line argument: $*" Wsl/E_INVALIDARG
    case " $online " in *" $3 "*) ;; *) fail "Invalid distribution name: '$3'." Wsl/InstallDistro/WSL_E_DISTRO_NOT_FOUND ;; esac
    installed "$3" || printf '%s\n' "$3" >> "$state"
    utf16 "Downloading: $3"$'\r\n'"Installing: $3"$'\r\n'"Distribution successfully installed. It can be launched via 'wsl.exe -d $3'"$'\r\n'
    exit 0 ;;
  --distribution|-d)
    distro=$2
    shift 2
    [ "${"${1:-}"}" = --user ] || [ "${"${1:-}"}" = -u ] || fail "Invalid command line argument: ${"${1:-}"}" Wsl/E_INVALIDARG
    [ "$2" = root ] || fail "User not found." Wsl/Service/CreateInstance/E_NOTFOUND
    shift 2
    [ "${"${1:-}"}" = -- ] || fail "Invalid command line argument: ${"${1:-}"}" Wsl/E_INVALIDARG
    shift
    installed "$distro" || fail "There is no distribution with the supplied name." Wsl/Service/WSL_E_DISTRO_NOT_FOUND
    exec "$@" ;;
  *) fail "Invalid command line argument: ${"${1:-}"}" Wsl/E_INVALIDARG ;;
esac
`;

/** A `wsl.exe` double in its own directory, ready to be put first on PATH. */
export interface WslDouble {
  dir: string;
  state: string;
  calls: string;
  /** The distributions the double reports installed. */
  setInstalled(names: readonly string[]): Promise<void>;
  installed(): Promise<string[]>;
  /** Every argv the double received, one line each. */
  callLog(): Promise<string[]>;
  dispose(): Promise<void>;
}

export async function createWslDouble(): Promise<WslDouble> {
  const dir = await mkdtemp(path.join(tmpdir(), 'metalor-wsl-double-'));
  const file = path.join(dir, 'wsl.exe');
  await writeFile(file, SCRIPT);
  await chmod(file, 0o755);
  const state = path.join(dir, 'installed-distros');
  const calls = path.join(dir, 'calls.log');
  const read = async (target: string) =>
    (await readFile(target, 'utf8').catch(() => '')).split('\n').filter((line) => line !== '');
  return {
    dir,
    state,
    calls,
    setInstalled: (names) => writeFile(state, names.map((name) => `${name}\n`).join('')),
    installed: () => read(state),
    callLog: () => read(calls),
    dispose: () => rm(dir, { recursive: true, force: true }),
  };
}

/** Puts the double first on PATH for this test file's process (vitest runs each file in its own fork). */
export function useWslDouble(double: WslDouble): void {
  process.env.PATH = `${double.dir}${path.delimiter}${process.env.PATH ?? ''}`;
  process.env.METALOR_WSL_DOUBLE_STATE = double.state;
  process.env.METALOR_WSL_DOUBLE_LOG = double.calls;
}
