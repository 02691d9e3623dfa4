// Finds the runnable TypeScript examples in a Markdown file: every fenced block whose
// info string starts with `ts` or `typescript` (```ts, ```typescript, ~~~ts).
/**
 * @param {string} markdown
 * @returns {{ line: number, code: string }[]} `line` is the 1-based line of the opening fence
 */
export function extractTsBlocks(markdown) {
  const blocks = [];
  const lines = markdown.split(/\r?\n/);
  let open = null;
  for (let i = 0; i < lines.length; i++) {
    const text = lines[i];
    if (open) {
      const close = /^ {0,3}(`{3,}|~{3,})\s*$/.exec(text);
      if (close && close[1][0] === open.fence[0] && close[1].length >= open.fence.length) {
        if (open.runnable) blocks.push({ line: open.line, code: open.body.join('\n') + '\n' });
        open = null;
      } else {
        open.body.push(text.slice(Math.min(open.indent, text.length - text.trimStart().length)));
      }
      continue;
    }
    const start = /^( {0,3})(`{3,}|~{3,})\s*([^\s`]*)/.exec(text);
    if (start) {
      const lang = start[3].toLowerCase();
      open = { fence: start[2], indent: start[1].length, line: i + 1, body: [], runnable: lang === 'ts' || lang === 'typescript' };
    }
  }
  return blocks;
}
