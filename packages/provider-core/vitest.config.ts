import { defineMetalorConfig } from '../../tooling/vitest.shared.ts';

export default defineMetalorConfig();
