/**
 * True for exactly the characters `String.prototype.trim` removes, so index-based
 * trimming (which avoids allocating a substring per line) agrees with `trim()`.
 */
export function isTrimmable(code: number): boolean {
  if (code > 32 && code < 160) return false;
  return (
    code === 32 ||
    (code >= 9 && code <= 13) ||
    code === 0xa0 ||
    code === 0x1680 ||
    (code >= 0x2000 && code <= 0x200a) ||
    code === 0x2028 ||
    code === 0x2029 ||
    code === 0x202f ||
    code === 0x205f ||
    code === 0x3000 ||
    code === 0xfeff
  );
}

/** First index in [start, end) that is not trimmable, or `end`. */
export function skipTrimmable(text: string, start: number, end: number): number {
  let index = start;
  while (index < end && isTrimmable(text.charCodeAt(index))) index++;
  return index;
}

/** One past the last index in [start, end) that is not trimmable, or `start`. */
export function trimEndIndex(text: string, start: number, end: number): number {
  let index = end;
  while (index > start && isTrimmable(text.charCodeAt(index - 1))) index--;
  return index;
}

/** Where the text of line 1 begins: a leading byte-order mark is not part of it. */
export function contentStart(source: string): number {
  return source.charCodeAt(0) === 0xfeff ? 1 : 0;
}
