/**
 * Quotes a value as one POSIX shell word: wrapped in single quotes, with each `'`
 * written as `'"'"'`. Every byte but NUL survives, newlines included.
 */
export function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'"'"'`)}'`;
}
