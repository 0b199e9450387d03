// `npm run package`: production bundles, then a VSIX with @vscode/vsce into out/, then its size and
// file list. `.vscodeignore` is an allow-list and the bundles are self-contained, hence --no-dependencies.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
const vsix = path.join('out', `${manifest.name}-${manifest.version}.vsix`);
const vsce = path.join('node_modules', '@vscode', 'vsce', 'vsce');

function run(command, args) {
  console.log(`$ ${[command === process.execPath ? 'node' : command, ...args].join(' ')}`);
  // stdin closed: a vsce question (missing LICENSE, repository…) fails the run instead of hanging CI.
  const result = spawnSync(command, args, { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
  if (result.status !== 0) {
    console.error(`package: "${path.basename(command)} ${args[0] ?? ''}" failed (exit ${result.status ?? result.signal}); see its output above.`);
    process.exit(1);
  }
}

run(process.execPath, ['scripts/build.mjs', '--production']);
mkdirSync(path.join(root, 'out'), { recursive: true });
// No public repository yet: README links stay relative instead of being rewritten to a guessed host.
run(process.execPath, [vsce, 'package', '--no-dependencies', '--no-rewrite-relative-links', '--allow-missing-repository', '--out', vsix]);

const bytes = statSync(path.join(root, vsix)).size;
console.log(`\n${vsix}: ${(bytes / 1024).toFixed(1)} KiB (${bytes} bytes)${bytes > 2 * 1024 * 1024 ? ' — over the 2 MB target' : ''}`);
console.log('\nFiles in the package (vsce ls):');
run(process.execPath, [vsce, 'ls', '--no-dependencies']);
