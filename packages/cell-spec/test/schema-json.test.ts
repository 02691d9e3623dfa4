import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { buildCellRequestJsonSchema } from '@metalor/cell-spec';

describe('@metalor/cell-spec/schema.json', () => {
  it('is exported and equals buildCellRequestJsonSchema() (run `pnpm run schema` after changing the schema)', () => {
    const require = createRequire(import.meta.url);
    const file = require.resolve('@metalor/cell-spec/schema.json');
    expect(readFileSync(file, 'utf8')).toBe(`${JSON.stringify(buildCellRequestJsonSchema(), null, 2)}\n`);
  });
});
