/**
 * The npm package, as a user installs it without cloning: `npm pack` (prepack builds), `npm install -g
 * <tarball>` into an empty prefix with no network, then the installed command — `lint` in every format
 * against a real registry with host-bound credentials from the environment, `registry test`, `ref`,
 * `lsp --stdio` over a real LSP connection — and the tarball's files against the `files` allow-list.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pushImage, startHtpasswdRegistry, type RunningRegistry } from '../harness';
import { cliRunner, filesUnder } from '../harness/cli';
import { CHECKED_APP_USER, installCli, packageManifest, packCli, repoRoot, writeCheckedApp, type InstalledCli } from '../harness/npmPackage';
import { makeTempDir, removeTempDir, runChecked } from '../harness/processes';
import { fileUri, LspTestClient } from '../lsp/lspTestClient';

const PASSWORD = 'Npm-Package-Secret-' + Math.random().toString(36).slice(2);
const manifest = packageManifest();

/** What npm always packs beside the `files` allow-list. */
const ALWAYS_PACKED = ['package.json', 'README.md', 'LICENSE'];

void describe('npm package: pack, install the tarball, run the installed command', () => {
  let registry: RunningRegistry;
  let work: string;
  let tarball: string;
  let installed: InstalledCli;
  let app: string;
  let env: NodeJS.ProcessEnv;
  let deployment: string;
  const transcript: string[] = [];
  let run: ReturnType<typeof cliRunner>;

  before(async () => {
    work = makeTempDir('npm-package');
    registry = await startHtpasswdRegistry({ tls: true, users: { [CHECKED_APP_USER]: PASSWORD } });
    await pushImage(registry, { repository: 'team/app', tag: 'v1', format: 'oci', username: CHECKED_APP_USER, password: PASSWORD });
    tarball = await packCli(work);
    installed = await installCli(tarball, path.join(work, 'prefix'));
    run = cliRunner(transcript, installed.command);
    app = path.join(work, 'app');
    const written = writeCheckedApp(app, registry.host, registry.caFile ?? '', PASSWORD);
    deployment = written.deployment;
    mkdirSync(path.join(work, 'home'));
    // Only what a CI job has: PATH, HOME, an empty Docker config and the job's secrets.
    env = { PATH: installed.path, HOME: path.join(work, 'home'), DOCKER_CONFIG: path.join(work, 'docker'), ...written.credentialsEnv };
  });

  after(async () => {
    await registry?.stop();
    if (work) removeTempDir(work);
  });

  void it('packs exactly the files allow-list (plus what npm always packs): production bundle, no sources, no maps', async () => {
    const { stdout } = await runChecked('tar', ['-tzf', tarball]);
    const packed = stdout.trim().split('\n').map((entry) => entry.replace(/^package\//, '')).sort();
    const expected = [...ALWAYS_PACKED];
    for (const entry of manifest.files) {
      const full = path.join(repoRoot, entry);
      if (statSync(full).isDirectory()) expected.push(...filesUnder(full).map((file) => path.relative(repoRoot, file).split(path.sep).join('/')));
      else expected.push(entry);
    }
    assert.deepEqual(packed, expected.sort());
    assert.ok(packed.includes('dist/cli.js') && packed.includes('bin/replicated-registries'), packed.join(', '));

    const installedFiles = filesUnder(installed.packageDir).map((file) => path.relative(installed.packageDir, file).split(path.sep).join('/')).sort();
    assert.deepEqual(installedFiles, packed, 'npm installed exactly the tarball: no node_modules, nothing fetched');
    const bundle = readFileSync(path.join(installed.packageDir, 'dist', 'cli.js'), 'utf8');
    assert.doesNotMatch(bundle, /sourceMappingURL/, 'prepack builds the production bundle');
    // Without comments, and esbuild escaping every other character: bin/ reads an ASCII bundle its fast way (as Latin-1).
    assert.ok(/^[\x00-\x7f]*$/.test(bundle), 'the production bundle is ASCII');
    const packedManifest = JSON.parse(readFileSync(path.join(installed.packageDir, 'package.json'), 'utf8')) as typeof manifest;
    assert.deepEqual(packedManifest.dependencies ?? {}, {}, 'everything the CLI needs is in its bundle');
    assert.match(packedManifest.engines.node ?? '', /^>=20\./);
    assert.ok(statSync(installed.command).mode & 0o111, 'the installed command is executable');
  });

  void it('--version prints the package version', async () => {
    const ran = await run(['--version'], { cwd: app, env });
    assert.equal(ran.code, 0, ran.stderr);
    assert.equal(ran.stdout, `${manifest.version}\n`);
  });

  void it('ref explains a reference the way docker pull reads it', async () => {
    const ran = await run(['ref', 'nginx', '-o', 'json'], { cwd: app, env });
    assert.equal(ran.code, 0, ran.stderr);
    const [explained] = JSON.parse(ran.stdout) as Array<{ valid: boolean; canonical: string }>;
    assert.deepEqual(explained && { valid: explained.valid, canonical: explained.canonical }, { valid: true, canonical: 'docker.io/library/nginx:latest' });
  });

  void it('registry test pulls an image with the credentials from the environment', async () => {
    const ran = await run(['registry', 'test', 'lab', '--image', 'team/app:v1'], { cwd: app, env });
    assert.equal(ran.code, 0, `${ran.stdout}\n${ran.stderr}`);
    assert.match(ran.stdout, /^verdict: +ok$/m);
  });

  void it('lint: text, JSON and SARIF name the missing tag (pull check) and the latest tag', async () => {
    const text = await run(['lint'], { cwd: app, env });
    assert.equal(text.code, 1, text.stderr);
    assert.match(text.stdout, /^manifests\/deploy\.yaml:12:\d+ error tag-not-found /m);
    assert.match(text.stdout, /^manifests\/deploy\.yaml:14:\d+ warning tag-latest /m);

    const json = await run(['lint', '--format', 'json'], { cwd: app, env });
    assert.equal(json.code, 1, json.stderr);
    const results = JSON.parse(json.stdout) as Array<{ file: string; line: number; code: string }>;
    assert.deepEqual(results.map((r) => [r.file, r.line, r.code]), [['manifests/deploy.yaml', 12, 'tag-not-found'], ['manifests/deploy.yaml', 14, 'tag-latest']]);

    const sarif = await run(['lint', '--format', 'sarif', '--fail-on', 'never'], { cwd: app, env });
    assert.equal(sarif.code, 0, sarif.stderr);
    const log = JSON.parse(sarif.stdout) as { version: string; runs: Array<{ tool: { driver: { version: string } }; results: Array<{ ruleId: string }> }> };
    assert.equal(log.version, '2.1.0');
    assert.equal(log.runs[0]?.tool.driver.version, manifest.version);
    assert.deepEqual(log.runs[0]?.results.map((r) => r.ruleId), ['tag-not-found', 'tag-latest']);
  });

  void it('lsp --stdio: initialize names the version, and an opened file gets its diagnostics', async () => {
    const client = await LspTestClient.start({ command: { file: installed.command, args: ['lsp', '--stdio'] }, rootPath: app, env });
    try {
      assert.deepEqual(client.initializeResult.serverInfo, { name: 'replicated-registries', version: manifest.version });
      const uri = fileUri(path.join(app, 'manifests', 'deploy.yaml'));
      const got = client.waitForDiagnostics({ uri, until: (d) => d.some((x) => x.code === 'tag-not-found'), timeoutMs: 20_000 });
      await client.open(uri, deployment);
      const diagnostics = await got;
      assert.deepEqual(diagnostics.map((d) => [d.range.start.line, d.code]).sort(), [[11, 'tag-not-found'], [13, 'tag-latest']]);
    } finally {
      await client.stop();
    }
  });

  void it('the password never reached any output', () => {
    assert.ok(transcript.length >= 10);
    for (const output of transcript) assert.ok(!output.includes(PASSWORD));
    assert.deepEqual(readdirSync(app).sort(), ['.replicated-registries.yaml', 'certs', 'manifests']);
    assert.equal(existsSync(path.join(work, 'docker')), false, 'nothing was written to a Docker config');
  });
});
