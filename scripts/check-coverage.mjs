// tap 21 has no coverage thresholds of its own: read its json-summary and
// fail below the floor the project commits to.
import { readFileSync } from 'node:fs';

const FLOOR = { lines: 90, statements: 90, functions: 85, branches: 80 };

let total;
try {
  total = JSON.parse(readFileSync('.tap/report/coverage-summary.json', 'utf8')).total;
} catch {
  console.error('coverage: no .tap/report/coverage-summary.json (run npm test first)');
  process.exit(1);
}
let ok = true;
for (const [metric, floor] of Object.entries(FLOOR)) {
  const pct = total[metric].pct;
  const verdict = pct >= floor ? 'ok' : 'BELOW';
  if (pct < floor) ok = false;
  console.log(`coverage ${metric}: ${pct}% (floor ${floor}%) ${verdict}`);
}
process.exit(ok ? 0 : 1);
