// Regenerates schema.json from buildCellRequestJsonSchema(); test/schema-json.test.ts keeps them in sync.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildCellRequestJsonSchema } from '../src/index.ts';

const target = fileURLToPath(new URL('../schema.json', import.meta.url));
writeFileSync(target, `${JSON.stringify(buildCellRequestJsonSchema(), null, 2)}\n`);
