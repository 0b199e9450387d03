// `npm run package`: production bundles, then a VSIX with @vscode/vsce into out/, then its size and
// file list. `.vscodeignore` is an allow-list and the bundles are self-contained, hence --no-dependencies.
//
// package.json also describes the npm package (the CLI), whose allow-list is its `files` field; vsce refuses
// a folder that has both `files` and `.vscodeignore`. So vsce runs in out/vsix-stage/: package.json without
// `files`, and a link to every other top-level entry of the checkout, with `.vscodeignore` choosing as before.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
const vsix = path.join(root, 'out', `${manifest.name}-${manifest.version}.vsix`);
const vsce = path.join(root, 'node_modules', '@vscode', 'vsce', 'vsce');
const stage = path.join(root, 'out', 'vsix-stage');
// Never linked: git's and npm's folders, build output, caches, test output and the npm start demo (none of it ships).
const NOT_STAGED = new Set(['.git', 'node_modules', 'out', '.cache', 'test-output', 'demo', 'package.json']);

function run(command, args, cwd = root) {
  console.log(`$ ${[command === process.execPath ? 'node' : command, ...args].join(' ')}`);
  // stdin closed: a vsce question (missing LICENSE, repository…) fails the run instead of hanging CI.
  const result = spawnSync(command, args, { cwd, stdio: ['ignore', 'inherit', 'inherit'] });
  if (result.status !== 0) {
    console.error(`package: "${path.basename(command)} ${args[0] ?? ''}" failed (exit ${result.status ?? result.signal}); see its output above.`);
    process.exit(1);
  }
}

run(process.execPath, ['scripts/build.mjs', '--production']);

// The extension's two bundles: activation parses only client.js; languageClient.js (the language client
// and the protocol, nothing of the engine) loads when the server starts, and must stay under the issue's
// 400 KB (decimal, the stricter reading). The server and CLI bundles are printed beside them for comparison.
const LAZY_BUNDLE_LIMIT = 400 * 1000;
for (const [side, bundle] of [['client', 'client.js'], ['client', 'languageClient.js'], ['server', 'server.js'], ['cli', 'cli.js'], ['cli', 'httpLibraries.js']]) {
  const bytes = statSync(path.join(root, 'dist', bundle)).size;
  console.log(`${side} bundle dist/${bundle}: ${(bytes / 1024).toFixed(1)} KiB (${bytes} bytes)`);
  if (bundle === 'languageClient.js' && bytes > LAZY_BUNDLE_LIMIT) {
    console.error(`package: dist/${bundle} is over ${LAZY_BUNDLE_LIMIT / 1000} KB: the extension must carry the language client only (see docs/architecture.md).`);
    process.exit(1);
  }
}

rmSync(stage, { recursive: true, force: true });
mkdirSync(stage, { recursive: true });
const { files: _npmFiles, ...extensionManifest } = manifest;
writeFileSync(path.join(stage, 'package.json'), `${JSON.stringify(extensionManifest, null, 2)}\n`);
for (const entry of readdirSync(root)) {
  if (!NOT_STAGED.has(entry)) symlinkSync(path.join(root, entry), path.join(stage, entry));
}

// No public repository yet: README links stay relative instead of being rewritten to a guessed host.
const common = ['--no-dependencies', '--follow-symlinks'];
run(process.execPath, [vsce, 'package', ...common, '--no-rewrite-relative-links', '--allow-missing-repository', '--out', vsix], stage);

const bytes = statSync(vsix).size;
console.log(`\n${path.relative(root, vsix)}: ${(bytes / 1024).toFixed(1)} KiB (${bytes} bytes)${bytes > 2 * 1024 * 1024 ? ' — over the 2 MB target' : ''}`);
console.log('\nFiles in the package (vsce ls):');
run(process.execPath, [vsce, 'ls', ...common], stage);
rmSync(stage, { recursive: true, force: true });
