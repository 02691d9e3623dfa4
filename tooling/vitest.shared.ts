import path from 'node:path';
import { defineConfig } from 'vitest/config';

/**
 * Tests run against `src/` through the `@metalor/source` export condition, so a
 * workspace package never needs a build before another package's tests.
 */
export const SOURCE_CONDITION = '@metalor/source';

/** Set by tooling/scripts/test.sh so the run can print one closing count over every package. */
function reportersFor(cwd: string) {
  const reportDir = process.env.METALOR_TEST_REPORT_DIR;
  if (!reportDir) return {};
  return {
    reporters: ['default', 'json'],
    outputFile: { json: path.join(reportDir, `${path.basename(cwd)}.json`) },
  };
}

export interface MetalorTestOptions {
  testTimeout?: number;
  include?: string[];
  /** Run test files one at a time (for suites that share host state such as mounts). */
  serial?: boolean;
}

export function defineMetalorConfig(options: MetalorTestOptions = {}) {
  return defineConfig({
    resolve: { conditions: [SOURCE_CONDITION, 'module', 'node', 'import', 'default'] },
    ssr: { resolve: { conditions: [SOURCE_CONDITION, 'node', 'import', 'default'] } },
    test: {
      include: options.include ?? ['src/**/*.test.ts', 'test/**/*.test.ts'],
      testTimeout: options.testTimeout ?? 30_000,
      hookTimeout: 300_000,
      pool: 'forks',
      ...(options.serial ? { fileParallelism: false } : {}),
      ...reportersFor(process.cwd()),
    },
  });
}
