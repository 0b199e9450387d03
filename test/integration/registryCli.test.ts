/**
 * The `registry` CLI, as a user runs it (the built `bin/replicated-registries`), against a real
 * `docker-registry` with htpasswd auth over TLS from the harness. Ends by proving the password
 * landed nowhere but the Docker credential store.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pushImage, startHtpasswdRegistry, type PushedImage, type RunningRegistry } from '../harness';
import { cliRunner, filesUnder } from '../harness/cli';
import { makeTempDir, removeTempDir } from '../harness/processes';

const repoRoot = path.resolve(__dirname, '..', '..');
const PASSWORD = 'Integr4tion-Secret-' + Math.random().toString(36).slice(2);
const WRONG_PASSWORD = 'Wrong-Secret-' + Math.random().toString(36).slice(2);

const transcript: string[] = [];
const runCli = cliRunner(transcript);

void describe('registry CLI against a real htpasswd + TLS registry', () => {
  let registry: RunningRegistry;
  let pushed: PushedImage;
  let work: string;
  let app: string;
  let dockerConfigDir: string;
  let env: NodeJS.ProcessEnv;

  before(async () => {
    if (!existsSync(path.join(repoRoot, 'dist', 'cli.js'))) {
      const build = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: repoRoot, encoding: 'utf8' });
      assert.equal(build.status, 0, `the CLI bundle could not be built: ${build.stderr}`);
    }
    registry = await startHtpasswdRegistry({ tls: true, users: { alice: PASSWORD } });
    pushed = await pushImage(registry, { repository: 'team/app', tag: 'v1', format: 'oci', username: 'alice', password: PASSWORD });
    work = makeTempDir('registry-cli');
    app = path.join(work, 'app');
    dockerConfigDir = path.join(work, 'docker');
    mkdirSync(app);
    mkdirSync(path.join(work, 'home'));
    // Nothing from the developer's own environment: no proxies, no real Docker config.
    env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: path.join(work, 'home'), DOCKER_CONFIG: dockerConfigDir, REPLICATED_REGISTRIES_STDIN_TIMEOUT_MS: '5000' };
  });

  after(async () => {
    await registry?.stop();
    if (work) removeTempDir(work);
  });

  void it('refuses to save a registry whose TLS certificate is not trusted (no --ca-file)', async () => {
    const run = await runCli(['registry', 'add', 'other', '--endpoint', registry.host, '--username', 'alice', '--password-stdin', '--name', 'harness'], { cwd: app, env, input: PASSWORD });
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stderr, /verdict: +tls-untrusted/);
    assert.match(run.stderr, /nothing was saved/);
    assert.equal(existsSync(path.join(app, '.replicated-registries.yaml')), false);
    assert.equal(existsSync(path.join(dockerConfigDir, 'config.json')), false);
  });

  void it('refuses a wrong password on add', async () => {
    const run = await runCli(['registry', 'add', 'other', '--endpoint', registry.host, '--username', 'alice', '--password-stdin', '--ca-file', registry.caFile ?? '', '--name', 'harness'], {
      cwd: app,
      env,
      input: WRONG_PASSWORD,
    });
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stderr, /verdict: +unauthorized/);
    assert.equal(existsSync(path.join(app, '.replicated-registries.yaml')), false);
  });

  void it('adds the registry with --password-stdin and --ca-file, after pulling the test image', async () => {
    const run = await runCli(
      ['registry', 'add', 'other', '--endpoint', registry.host, '--username', 'alice', '--password-stdin', '--ca-file', registry.caFile ?? '', '--name', 'harness', '--image', 'team/app:v1', '--app-ids', 'app-1'],
      { cwd: app, env, input: `${PASSWORD}\n` },
    );
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /Registry "harness" added to .*\.replicated-registries\.yaml/);
    assert.match(run.stdout, new RegExp(`Check passed: the credentials can pull ${registry.host.replace(/\./g, '\\.')}/team/app:v1 \\(${pushed.digest}\\)`));
    assert.equal(run.stderr, '');
    const config = readFileSync(path.join(dockerConfigDir, 'config.json'), 'utf8');
    assert.match(config, new RegExp(Buffer.from(`alice:${PASSWORD}`).toString('base64')));
  });

  void it('lists it as a table and as JSON', async () => {
    const table = await runCli(['registry', 'ls'], { cwd: app, env });
    assert.equal(table.code, 0, table.stderr);
    const lines = table.stdout.trim().split('\n');
    assert.deepEqual(lines[0]?.split(/\s+/), ['NAME', 'PROVIDER', 'ENDPOINT', 'APP_IDS', 'AUTHTYPE']);
    assert.deepEqual(lines[1]?.split(/\s+/), ['harness', 'other', registry.host, 'app-1', 'password']);
    const json = await runCli(['registry', 'ls', 'harness', '-o', 'json'], { cwd: app, env });
    assert.equal(json.code, 0, json.stderr);
    assert.deepEqual(JSON.parse(json.stdout), [
      { slug: 'harness', provider: 'other', endpoint: registry.host, authType: 'password', username: 'alice', appIds: ['app-1'], caFile: registry.caFile },
    ]);
  });

  void it('tests an image that exists: verdict ok with its digest', async () => {
    const table = await runCli(['registry', 'test', 'harness', '--image', 'team/app:v1'], { cwd: app, env });
    assert.equal(table.code, 0, table.stderr);
    assert.match(table.stdout, /^verdict: +ok$/m);
    assert.match(table.stdout, new RegExp(`^digest: +${pushed.digest}$`, 'm'));
    assert.match(table.stdout, new RegExp(`^mediaType: +${pushed.mediaType.replace(/[.+]/g, '\\$&')}$`, 'm'));
    assert.match(table.stdout, /^requests: +\d+$/m);
    const json = await runCli(['registry', 'test', 'harness', '--image', `${registry.host}/team/app@${pushed.digest}`, '-o', 'json'], { cwd: app, env });
    assert.equal(json.code, 0, json.stderr);
    const result = JSON.parse(json.stdout) as { verdict: string; digest: string; requests: number };
    assert.equal(result.verdict, 'ok');
    assert.equal(result.digest, pushed.digest);
    assert.ok(result.requests >= 1);
  });

  void it('tests a missing tag: exit 1, tag-not-found', async () => {
    const run = await runCli(['registry', 'test', 'harness', '--image', 'team/app:v2', '-o', 'json'], { cwd: app, env });
    assert.equal(run.code, 1);
    assert.equal((JSON.parse(run.stdout) as { verdict: string }).verdict, 'tag-not-found');
    assert.match(run.stderr, /tag-not-found/);
  });

  void it('tests with a wrong stored password: exit 1, unauthorized', async () => {
    const replace = await runCli(['registry', 'add', 'other', '--endpoint', registry.host, '--username', 'alice', '--password-stdin', '--ca-file', registry.caFile ?? '', '--name', 'harness', '--skip-validation'], {
      cwd: app,
      env,
      input: WRONG_PASSWORD,
    });
    assert.equal(replace.code, 0, replace.stderr);
    const run = await runCli(['registry', 'test', 'harness', '--image', 'team/app:v1'], { cwd: app, env });
    assert.equal(run.code, 1);
    assert.match(run.stdout, /^verdict: +unauthorized$/m);
    assert.match(run.stdout, /^hint: +\S/m);
  });

  void it('fails fast when --password-stdin gets nothing', async () => {
    const run = await runCli(['registry', 'add', 'other', '--endpoint', registry.host, '--username', 'alice', '--password-stdin', '--name', 'empty'], { cwd: app, env, input: '' });
    assert.equal(run.code, 2);
    assert.match(run.stderr, /--password-stdin: stdin is empty/);
  });

  void it('removes the registry and its stored secret', async () => {
    const run = await runCli(['registry', 'rm', 'harness'], { cwd: app, env });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^Registry removed$/m);
    const ls = await runCli(['registry', 'ls', '-o', 'json'], { cwd: app, env });
    assert.deepEqual(JSON.parse(ls.stdout), []);
    const config = JSON.parse(readFileSync(path.join(dockerConfigDir, 'config.json'), 'utf8')) as { auths: object };
    assert.deepEqual(config.auths, {});
  });

  void it('leaves the secrets nowhere but the Docker credential store', () => {
    const secrets = [PASSWORD, WRONG_PASSWORD, Buffer.from(`alice:${PASSWORD}`).toString('base64'), Buffer.from(`alice:${WRONG_PASSWORD}`).toString('base64')];
    const places: Array<[string, string]> = transcript.map((text, i) => [`CLI ${i % 2 === 0 ? 'stdout' : 'stderr'} #${Math.floor(i / 2)}`, text]);
    const credentialStore = path.join(dockerConfigDir, 'config.json');
    const files = filesUnder(work).filter((f) => f !== credentialStore);
    assert.ok(files.some((f) => f.endsWith('.replicated-registries.yaml')), 'the workspace file is among the files checked');
    for (const file of files) places.push([file, readFileSync(file, 'latin1')]);
    for (const [where, text] of places) for (const secret of secrets) assert.ok(!text.includes(secret), `a secret leaked into ${where}`);
  });
});
