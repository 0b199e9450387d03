// Runs every benchmark under bench/ (files named *.bench.ts), one process each, printing their figures.
// Usage: npm run bench [-- name-filter]
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const filter = process.argv[2];
if (spawnSync(process.execPath, ['scripts/build.mjs', '--production'], { cwd: root, stdio: 'inherit' }).status !== 0) process.exit(1);
const files = readdirSync(path.join(root, 'bench')).filter((f) => f.endsWith('.bench.ts') && (!filter || f.includes(filter))).sort();
let failed = false;
for (const f of files) {
  console.log(`\n=== ${f} ===`);
  const r = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', path.join('bench', f)], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) failed = true;
}
process.exit(failed ? 1 : 0);
