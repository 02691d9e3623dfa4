// Sums the vitest JSON reports of every package and Node version into one closing line.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

const root = process.argv[2];
let passed = 0;
let failed = 0;
let skipped = 0;
const rows = [];
for (const label of readdirSync(root).sort()) {
  const dir = path.join(root, label);
  if (!statSync(dir).isDirectory()) continue;
  for (const file of readdirSync(dir).sort()) {
    const report = JSON.parse(readFileSync(path.join(dir, file), 'utf8'));
    const failedHere = report.numFailedTests + (report.numFailedTestSuites ?? 0);
    passed += report.numPassedTests;
    failed += failedHere;
    skipped += report.numPendingTests + report.numTodoTests;
    rows.push(`${label} ${file.replace(/\.json$/, '')}: ${report.numPassedTests} passed, ${failedHere} failed`);
  }
}
console.log(rows.join('\n'));
console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
