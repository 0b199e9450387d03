/**
 * What an offline `lint` loads: only what it uses. node:zlib (packaged charts) is loaded with the first archive, the
 * yaml package with the first document the fast scanner leaves to it, and node:worker_threads never (the language
 * server and its analysis worker are their own bundle, dist/server.js; issue 12: 3.5-4.1 ms and 116-121 page faults
 * of each start). The CLI entry is bundled as dist/cli.js is (tsx itself loads worker_threads) and run in a fresh
 * process, whose list of loaded Node modules is the evidence.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import Module from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as esbuild from 'esbuild';
import { tierUpFlag } from '../../server/src/protocol/serverProcess';
import { runWithModule } from '../harness/processes';

/** The build's plugins (plain ES modules): the same ones dist/cli.js is built with. */
interface PluginModule {
  registriesSchemaValidatorPlugin: (root: string) => esbuild.Plugin;
}
interface ApartModule {
  httpLibrariesApartPlugin: (root: string) => esbuild.Plugin;
  HTTP_LIBRARIES_BUNDLE: string;
}

const ROOT = path.resolve(import.meta.dirname, '../..');
/** Node 22.1+ keeps its own code cache (module.enableCompileCache), bin/replicated-registries none of its own. */
const BUILT_IN_CACHE = typeof (Module as { enableCompileCache?: unknown }).enableCompileCache === 'function';
const dir = mkdtempSync(path.join(os.tmpdir(), 'rr-lint-startup-'));
const bundle = path.join(dir, 'cli.js');
/** The registry-traffic libraries the CLI requires from beside itself when it goes online. */
const libraries = path.join(dir, 'httpLibraries.js');
const workspace = path.join(dir, 'workspace');
/** Prints the Node modules the process loaded, as JSON on stderr's last line, at exit. */
const REPORT_MODULES = path.join(dir, 'report-modules.cjs');

void before(async () => {
  const { registriesSchemaValidatorPlugin } = (await import(path.join(ROOT, 'scripts/registriesSchemaValidatorPlugin.mjs'))) as PluginModule;
  const { httpLibrariesApartPlugin, HTTP_LIBRARIES_BUNDLE } = (await import(path.join(ROOT, 'scripts/httpLibrariesApartPlugin.mjs'))) as ApartModule;
  assert.equal(HTTP_LIBRARIES_BUNDLE, path.basename(libraries));
  const options = { bundle: true, platform: 'node', target: 'node20', format: 'cjs', logLevel: 'error', absWorkingDir: ROOT, define: { __VERSION__: JSON.stringify('0.0.0-test') } } as const;
  await esbuild.build({ ...options, entryPoints: [path.join(ROOT, 'server/src/cli.ts')], outfile: bundle, plugins: [registriesSchemaValidatorPlugin(ROOT), httpLibrariesApartPlugin(ROOT)] });
  await esbuild.build({ ...options, entryPoints: [path.join(ROOT, 'server/src/registry/httpLibraries.ts')], outfile: libraries });
  // The list is taken before anything is written: process.stderr's getter would load Node's stream classes itself.
  // It ends with the files CommonJS loaded (require.cache): whether the CLI read dist/httpLibraries.js.
  writeFileSync(REPORT_MODULES, `process.on('exit', () => { const loaded = JSON.stringify([...process.moduleLoadList, ...Object.keys(require.cache)]); require('node:fs').writeSync(2, '\\n' + loaded + '\\n'); });`);
  mkdirSync(workspace);
  writeFileSync(path.join(workspace, 'pod.yaml'), 'apiVersion: v1\nkind: Pod\nspec:\n  containers:\n    - image: nginx:1.25\n');
});

void after(() => rmSync(dir, { recursive: true, force: true }));

/** 400 pods, one per file: `lint --format json` prints more than a pipe holds (64 KiB). */
function manyPods(): string {
  const many = path.join(dir, 'many');
  if (existsSync(many)) return many;
  mkdirSync(many);
  for (let i = 0; i < 400; i++) writeFileSync(path.join(many, `pod-${i}.yaml`), `apiVersion: v1\nkind: Pod\nspec:\n  containers:\n    - image: quay.io/acme/service-${i}:latest\n`);
  return many;
}

/** Runs the bundled CLI with `args` in the workspace: exit code, stdout, and the Node modules it loaded. */
function runBundle(...args: string[]): { status: number | null; stdout: string; stderr: string; modules: string[] } {
  const ran = spawnSync(process.execPath, ['--require', REPORT_MODULES, bundle, ...args], { cwd: workspace, encoding: 'utf8', env: { ...process.env, DOCKER_CONFIG: path.join(dir, '.no-docker') } });
  // The preload's line is the last; what the command wrote to stderr is before it.
  const lines = ran.stderr.trim().split('\n');
  return { status: ran.status, stdout: ran.stdout, stderr: lines.slice(0, -1).join('\n').trim(), modules: JSON.parse(lines.pop() as string) as string[] };
}

void describe('lint --offline start-up', () => {
  void it("loads neither node:zlib nor node:worker_threads, nor process.stdout's classes", () => {
    const ran = runBundle('lint', '--offline', '--format', 'json');
    assert.equal(ran.status, 0, ran.stdout);
    assert.ok(ran.stdout.startsWith('['), ran.stdout);
    assert.ok(ran.modules.includes('NativeModule fs') && ran.modules.includes(bundle), 'the list is read');
    assert.ok(!ran.modules.includes(libraries), 'offline: the registry-traffic libraries are not read');
    assert.ok(!ran.modules.includes('NativeModule zlib'));
    assert.ok(!ran.modules.includes('NativeModule worker_threads'));
    // Its output is written to the descriptor (cli/io.ts DescriptorOutput): process.stdout (a pipe here: net, tty's
    // classes) is never made. V8's flags are set through node:v8's binding (cli/v8Flags.ts), not node:v8, which
    // loads Node's stream classes; and quietly (that binding is deprecated on Node 20).
    for (const module of ['NativeModule net', 'NativeModule tty', 'NativeModule v8', 'NativeModule stream']) assert.ok(!ran.modules.includes(module), module);
    assert.equal(ran.stderr, '');
  });

  void it('prints the help when there is no command, and carries no language server (its own bundle, dist/server.js)', () => {
    const ran = runBundle();
    assert.match(ran.stdout, /^replicated-registries — /);
    assert.ok(!ran.modules.includes('NativeModule worker_threads'));
    const text = readFileSync(bundle, 'utf8');
    assert.doesNotMatch(text, /vscode-languageserver/);
    assert.doesNotMatch(text, /server\/src\/lsp\/(?!transport)/);
  });

  void it('carries no registry-traffic library either: it requires dist/httpLibraries.js, which has them, when it goes online', () => {
    const text = readFileSync(bundle, 'utf8');
    assert.ok(!/node_modules\/(undici|tldts)\//.test(text), 'neither undici nor tldts in dist/cli.js');
    assert.ok(/require\("\.\/httpLibraries\.js"\)/.test(text), 'dist/cli.js requires dist/httpLibraries.js');
    const carried = readFileSync(libraries, 'utf8');
    for (const library of [/node_modules\/undici\/lib\/dispatcher\/agent\.js/, /node_modules\/tldts\//]) assert.ok(library.test(carried), String(library));
  });

  void it('ends quietly with its own exit code when the reader of its output leaves early (lint | head)', async () => {
    // Output larger than a pipe holds (64 KiB), so the writes meet the closed pipe.
    const many = manyPods();
    const child = spawn(process.execPath, [bundle, 'lint', '--offline', '--format', 'json', '--fail-on', 'warning'], { cwd: many, env: { ...process.env, DOCKER_CONFIG: path.join(dir, '.no-docker') }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.once('data', () => child.stdout.destroy());
    const code = await new Promise<number | null>((resolve) => child.on('close', (status) => resolve(status)));
    assert.equal(stderr, '');
    // `--fail-on warning` and 400 tag-latest warnings: the verdict of the run, not a crash's.
    assert.equal(code, 1);
  });

  void it('writes everything to a stdout left non-blocking, through a full pipe (EAGAIN: the rest goes through Node\'s stream)', () => {
    // python3 (installed by .ci/run) gives the CLI a pipe whose write end is non-blocking and already full
    // (filled by the harness before the CLI starts: the CLI's first write fails with EAGAIN), then reads it
    // all and keeps what follows the filler.
    const output = path.join(dir, 'nonblocking-output.json');
    const harness = `
import fcntl, os, subprocess, sys, json
r, w = os.pipe()
fcntl.fcntl(w, fcntl.F_SETFL, fcntl.fcntl(w, fcntl.F_GETFL) | os.O_NONBLOCK)
filler = 0
full = False
try:
    while True:
        filler += os.write(w, b'#' * 4096)
except BlockingIOError:
    full = True
child = subprocess.Popen(sys.argv[2:], stdout=w)
os.close(w)
chunks = []
while True:
    chunk = os.read(r, 65536)
    if not chunk: break
    chunks.append(chunk)
data = b''.join(chunks)
full = full and data[:filler] == b'#' * filler
with open(sys.argv[1], 'wb') as out:
    out.write(data[filler:])
print(json.dumps({'full': full, 'code': child.wait()}))
`;
    const ran = spawnSync('python3', ['-c', harness, output, process.execPath, bundle, 'lint', '--offline', '--format', 'json'], { cwd: manyPods(), encoding: 'utf8', env: { ...process.env, DOCKER_CONFIG: path.join(dir, '.no-docker') } });
    assert.equal(ran.stderr, '');
    assert.deepEqual(JSON.parse(ran.stdout) as unknown, { full: true, code: 0 });
    // All of it, the same as a run whose stdout is an ordinary (blocking) pipe.
    const expected = spawnSync(process.execPath, [bundle, 'lint', '--offline', '--format', 'json'], { cwd: manyPods(), encoding: 'utf8', env: { ...process.env, DOCKER_CONFIG: path.join(dir, '.no-docker') } });
    assert.ok(expected.stdout.length > 65536);
    assert.equal(readFileSync(output, 'utf8'), expected.stdout);
  });

  void it('loads the yaml package only for a document the fast scanner cannot read (yaml/library.ts)', async () => {
    // A bundle with `yaml` left to Node's loader: then whether the package was loaded is in require.cache.
    const external = path.join(dir, 'cli-external-yaml.js');
    const { registriesSchemaValidatorPlugin } = (await import(path.join(ROOT, 'scripts/registriesSchemaValidatorPlugin.mjs'))) as PluginModule;
    await esbuild.build({ entryPoints: [path.join(ROOT, 'server/src/cli.ts')], outfile: external, bundle: true, platform: 'node', target: 'node20', format: 'cjs', logLevel: 'error', absWorkingDir: ROOT, external: ['yaml'], define: { __VERSION__: JSON.stringify('0.0.0-test') }, plugins: [registriesSchemaValidatorPlugin(ROOT)] });
    const report = path.join(dir, 'report-yaml.cjs');
    writeFileSync(report, `process.on('exit', () => { const loaded = Object.keys(require.cache).some((file) => file.includes('${path.sep}node_modules${path.sep}yaml${path.sep}')); require('node:fs').writeSync(2, '\\n' + JSON.stringify(loaded) + '\\n'); });`);
    const app = path.join(dir, 'yaml-app');
    mkdirSync(app);
    writeFileSync(path.join(app, '.replicated-registries.yaml'), 'app: acme\nregistries:\n  - slug: acme-ghcr\n    provider: ghcr\n    endpoint: ghcr.io\npublic: [docker.io/library]\n');
    writeFileSync(path.join(app, 'pod.yaml'), 'apiVersion: v1\nkind: Pod\nspec:\n  containers:\n    - image: ghcr.io/acme/api:1.2.0\n');
    const yamlLoaded = (): boolean => {
      const ran = spawnSync(process.execPath, ['--require', report, external, 'lint', '--offline', '--format', 'json'], { cwd: app, encoding: 'utf8', env: { ...process.env, NODE_PATH: path.join(ROOT, 'node_modules'), DOCKER_CONFIG: path.join(dir, '.no-docker') } });
      assert.equal(ran.status, 0, ran.stderr);
      assert.deepEqual(JSON.parse(ran.stdout), []);
      return JSON.parse(ran.stderr.trim().split('\n').pop() as string) as boolean;
    };
    assert.equal(yamlLoaded(), false, 'ordinary manifests and registries file: no yaml');
    // An anchor is the fast scanner's to leave to `yaml`: then it is loaded (the check above can see it).
    writeFileSync(path.join(app, 'anchored.yaml'), 'apiVersion: v1\nkind: Pod\nmetadata: &meta\n  name: a\nspec:\n  containers:\n    - image: ghcr.io/acme/api:1.2.0\n');
    assert.equal(yamlLoaded(), true, 'a document with an anchor: yaml');
  });

  void it("loads every Node built-in it needs under V8's default flags (cli/v8Flags.ts): offline, online, Code Quality output", () => {
    // The installed layout: bin/ and package.json beside dist/cli.js, so the code cache and the flags go as for a user.
    const pkg = path.join(dir, 'installed');
    mkdirSync(path.join(pkg, 'bin'), { recursive: true });
    mkdirSync(path.join(pkg, 'dist'), { recursive: true });
    writeFileSync(path.join(pkg, 'bin', 'replicated-registries'), readFileSync(path.join(ROOT, 'bin', 'replicated-registries')));
    writeFileSync(path.join(pkg, 'package.json'), readFileSync(path.join(ROOT, 'package.json')));
    writeFileSync(path.join(pkg, 'dist', 'cli.js'), readFileSync(bundle));
    writeFileSync(path.join(pkg, 'dist', 'httpLibraries.js'), readFileSync(libraries));
    // V8's cachedDataVersionTag() changes with its flags: each built-in's first load is checked against the one at start.
    const hook = path.join(dir, 'late-builtins.cjs');
    writeFileSync(
      hook,
      `const v8 = require('node:v8'); const Module = require('node:module'); const base = v8.cachedDataVersionTag();
       const seen = new Set(process.moduleLoadList); const late = [];
       const sweep = () => { const changed = v8.cachedDataVersionTag() !== base;
         for (const name of process.moduleLoadList) if (!seen.has(name)) { seen.add(name); if (changed && name.startsWith('NativeModule')) late.push(name); } };
       const load = Module._load; Module._load = function (...args) { const result = load.apply(this, args); sweep(); return result; };
       // The flags are set through process.binding('v8'): what was loaded before that call was loaded under the defaults.
       const binding = process.binding; process.binding = function (...args) { sweep(); return binding.apply(this, args); };
       process.on('exit', () => { sweep(); const libraries = Object.keys(require.cache).some((file) => file.endsWith('httpLibraries.js'));
         require('node:fs').writeSync(2, '\\n' + JSON.stringify({ late, raised: v8.cachedDataVersionTag() !== base, libraries }) + '\\n'); });`,
    );
    const app = path.join(dir, 'flags-app');
    mkdirSync(app);
    // Online: a registry on a closed loopback port, with credentials (from the environment): the HTTP stack is
    // loaded and a connection is tried (refused at once). Code Quality output: node:crypto, for its fingerprints.
    writeFileSync(path.join(app, '.replicated-registries.yaml'), 'registries:\n  - slug: local\n    provider: other\n    endpoint: 127.0.0.1:9\n');
    writeFileSync(path.join(app, 'pod.yaml'), 'apiVersion: v1\nkind: Pod\nspec:\n  containers:\n    - image: 127.0.0.1:9/acme/api:1.0\n');
    const caches = path.join(dir, 'flags-cache', 'replicated-registries', 'code-cache');
    const cacheState = (): string[] => (existsSync(caches) ? readdirSync(caches).map((name) => `${name} ${statSync(path.join(caches, name)).mtimeMs}`).sort() : []);
    let afterFirstOnline: string[] = [];
    // Online twice: the second run reads the code caches the first wrote (bin/replicated-registries), its libraries' too.
    for (const [index, args] of [['lint', '--offline', '--format', 'json'], ['lint', '--format', 'json'], ['lint', '--format', 'json'], ['lint', '--offline', '--format', 'codequality']].entries()) {
      const ran = spawnSync(process.execPath, ['--require', hook, path.join(pkg, 'bin', 'replicated-registries'), ...args], {
        cwd: app,
        encoding: 'utf8',
        env: { ...process.env, XDG_CACHE_HOME: path.join(dir, 'flags-cache'), DOCKER_CONFIG: path.join(dir, '.no-docker'), REPLICATED_REGISTRIES_LOCAL_USERNAME: 'u', REPLICATED_REGISTRIES_LOCAL_PASSWORD: 'p', REPLICATED_REGISTRIES_LOCAL_HOST: '127.0.0.1:9' },
      });
      assert.ok(ran.stdout.startsWith('['), ran.stderr);
      const online = !args.includes('--offline');
      if (online) assert.match(ran.stdout, /connection refused/, 'the online run tried the registry');
      const { late, raised, libraries: librariesRead } = JSON.parse(ran.stderr.trim().split('\n').pop() as string) as { late: string[]; raised: boolean; libraries: boolean };
      assert.deepEqual(late, [], args.join(' '));
      // Where V8 has the flags (Node 20), they were raised for the work (the check above would see a late load).
      assert.equal(raised, tierUpFlag() !== undefined, args.join(' '));
      assert.equal(librariesRead, online, `${args.join(' ')}: dist/httpLibraries.js is read by an online run only`);
      if (index === 1) afterFirstOnline = cacheState();
      // Node 20: the bundle's and the libraries' caches (both made under V8's defaults) were read, not rejected and written again.
      if (index === 2 && !BUILT_IN_CACHE) {
        assert.equal(afterFirstOnline.length, 2, afterFirstOnline.join());
        assert.deepEqual(cacheState(), afterFirstOnline);
      }
    }
  });

  void it('loads node:zlib when a packaged chart is read (the check above can see it)', () => {
    // The archive reader itself, through tsx: a gzip header and nothing after it runs gunzip and fails.
    const ran = runWithModule(
      path.join(ROOT, 'server/src/charts/archive.ts'),
      `const before = process.moduleLoadList.includes('NativeModule zlib');
       const failed = await module.readChartArchive(new Uint8Array([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3]), 'broken.tgz').then(() => false, (error) => error instanceof Error);
       console.log(JSON.stringify({ before, after: process.moduleLoadList.includes('NativeModule zlib'), failed }));`,
      ROOT,
    );
    assert.equal(ran.status, 0, ran.stderr);
    assert.deepEqual(JSON.parse(ran.stdout.trim().split('\n').pop() as string), { before: false, after: true, failed: true });
  });
});
