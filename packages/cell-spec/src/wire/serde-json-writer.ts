/** A value the writer can print: objects print their keys in insertion order. */
export type PrettyValue = null | number | string | PrettyValue[] | { [key: string]: PrettyValue };

const SHORT_ESCAPES: Record<number, string> = { 0x08: '\\b', 0x09: '\\t', 0x0a: '\\n', 0x0c: '\\f', 0x0d: '\\r', 0x22: '\\"', 0x5c: '\\\\' };
// Everything serde_json escapes: control characters, the quote and the backslash. Not DEL, U+2028 or non-ASCII.
const NEEDS_ESCAPE = /[\u0000-\u001f"\\]/g;

/** Quotes a string exactly as serde_json does. */
export function quoteSerdeString(value: string): string {
  return `"${value.replace(NEEDS_ESCAPE, (char) => {
    const code = char.charCodeAt(0);
    return SHORT_ESCAPES[code] ?? `\\u${code.toString(16).padStart(4, '0')}`;
  })}"`;
}

/**
 * Prints a value the way `serde_json::to_vec_pretty` does: two-space indent, `": "`
 * between key and value, `[]` and `{}` for empty containers, no final newline.
 */
export function writeSerdePretty(value: PrettyValue, indent = ''): string {
  if (value === null) return 'null';
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return quoteSerdeString(value);
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return `[\n${value.map((item) => inner + writeSerdePretty(item, inner)).join(',\n')}\n${indent}]`;
  }
  const keys = Object.keys(value);
  if (keys.length === 0) return '{}';
  const lines = keys.map((key) => `${inner}${quoteSerdeString(key)}: ${writeSerdePretty(value[key]!, inner)}`);
  return `{\n${lines.join(',\n')}\n${indent}}`;
}
