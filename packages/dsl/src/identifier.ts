/**
 * True when `value` matches `[A-Za-z_][A-Za-z0-9_]*` (ASCII only), the shape of
 * a variable name. Returns false for anything else, including non-strings.
 * Never throws.
 */
export function validIdentifier(value: string): boolean {
  if (typeof value !== 'string' || value.length === 0) return false;
  if (!isIdentifierStart(value.charCodeAt(0))) return false;
  for (let index = 1; index < value.length; index++) {
    if (!isIdentifierPart(value.charCodeAt(index))) return false;
  }
  return true;
}

function isIdentifierStart(code: number): boolean {
  return code === 0x5f || (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a);
}

function isIdentifierPart(code: number): boolean {
  return isIdentifierStart(code) || (code >= 0x30 && code <= 0x39);
}
