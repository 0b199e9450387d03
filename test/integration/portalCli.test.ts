/**
 * The `registry` CLI in vendor-portal mode, as a user runs it (the built `bin/replicated-registries`),
 * against the local stand-in for the hosted Vendor API v3. The stand-in's "server-side" test and
 * add-time validation are real: they pull from a real `docker-registry` (htpasswd over TLS) with the
 * credentials the CLI sent, through RegistryClient. Ends by proving the API token and the registry
 * password were written nowhere on this machine and that no process (credential helper) was spawned.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { RegistryClient } from '../../server/src/registry/registryClient';
import { resolveTestImage } from '../../server/src/registry/endpoints';
import type { Verdict } from '../../server/src/registry/types';
import { CREDENTIAL_PROBE_TARGET } from '../../server/src/store/workspaceStore';
import { pushImage, startHtpasswdRegistry, type RunningRegistry } from '../harness';
import { makeTempDir, removeTempDir } from '../harness/processes';
import { cliRunner, filesUnder } from '../harness/cli';
import { startVendorApiStandIn, upstreamStatusForVerdict, type VendorApiStandIn } from '../harness/vendorApiStandIn';

const repoRoot = path.resolve(__dirname, '..', '..');
const random = (): string => Math.random().toString(36).slice(2);
const API_TOKEN = 'rr-portal-cli-token-' + random();
const READ_ONLY_TOKEN = 'rr-portal-cli-readonly-' + random();
const WRONG_TOKEN = 'rr-portal-cli-wrong-' + random();
const PASSWORD = 'Portal-Registry-Secret-' + random();
const WRONG_PASSWORD = 'Portal-Wrong-Secret-' + random();

const transcript: string[] = [];
const runCli = cliRunner(transcript);

void describe('registry CLI against the vendor portal (stand-in) with a real registry behind its server-side test', () => {
  let registry: RunningRegistry;
  let api: VendorApiStandIn;
  let pullClient: RegistryClient;
  const serverSidePulls: Array<{ slug: string; image: string; verdict: Verdict }> = [];
  let work: string;
  let app: string;
  let dockerConfigDir: string;
  let dockerConfigText: string;
  let helperLog: string;
  let env: NodeJS.ProcessEnv;
  let envWithoutToken: NodeJS.ProcessEnv;

  before(async () => {
    // Always rebuild: this suite is about the CLI as built from the current sources.
    const build = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: repoRoot, encoding: 'utf8' });
    assert.equal(build.status, 0, `the CLI bundle could not be built: ${build.stderr}`);
    registry = await startHtpasswdRegistry({ tls: true, users: { alice: PASSWORD } });
    await pushImage(registry, { repository: 'team/app', tag: 'v1', format: 'oci', username: 'alice', password: PASSWORD });
    pullClient = new RegistryClient({ cacheTtlMs: 0 });
    api = await startVendorApiStandIn({
      token: API_TOKEN,
      readOnlyToken: READ_ONLY_TOKEN,
      // The stand-in's "server-side" pull: the saved credentials against the real registry.
      testPull: async (saved, image) => {
        const conn = { provider: 'other' as const, endpoint: saved.endpoint, ...(registry.caFile ? { caFile: registry.caFile } : {}) };
        const resolved = image === '' ? CREDENTIAL_PROBE_TARGET : resolveTestImage(conn, image);
        if ('error' in resolved) return 400;
        const result = await pullClient.checkPull(conn, { username: saved.username, secret: saved.password }, resolved, { noCache: true });
        serverSidePulls.push({ slug: saved.slug, image, verdict: result.verdict });
        return upstreamStatusForVerdict(result.verdict);
      },
    });

    work = makeTempDir('portal-cli');
    app = path.join(work, 'app');
    dockerConfigDir = path.join(work, 'docker');
    const spyBin = path.join(work, 'bin');
    helperLog = path.join(work, 'credential-helper-calls.log');
    for (const dir of [app, dockerConfigDir, spyBin, path.join(work, 'home')]) mkdirSync(dir);
    // A Docker config whose credential store is a spy: any call (add would `store`, rm would `erase`) leaves a log.
    dockerConfigText = JSON.stringify({ credsStore: 'spy' }, null, 2);
    writeFileSync(path.join(dockerConfigDir, 'config.json'), dockerConfigText);
    const spy = path.join(spyBin, 'docker-credential-spy');
    writeFileSync(spy, `#!/bin/sh\necho "called: $*" >> '${helperLog}'\ncat >> '${helperLog}'\nexit 1\n`);
    chmodSync(spy, 0o755);
    envWithoutToken = {
      PATH: `${spyBin}:${process.env.PATH ?? '/usr/bin:/bin'}`,
      HOME: path.join(work, 'home'),
      DOCKER_CONFIG: dockerConfigDir,
      REPLICATED_API_ORIGIN: api.origin,
      REPLICATED_REGISTRIES_STDIN_TIMEOUT_MS: '5000',
    };
    env = { ...envWithoutToken, REPLICATED_API_TOKEN: API_TOKEN };
  });

  after(async () => {
    await api?.stop();
    await pullClient?.close();
    await registry?.stop();
    if (work) removeTempDir(work);
  });

  void it('add: the portal validates wrong credentials with a real pull and refuses them (exit 2, one line)', async () => {
    const run = await runCli(['registry', 'add', 'other', '--endpoint', registry.host, '--username', 'alice', '--password-stdin', '--name', 'harness'], { cwd: app, env, input: WRONG_PASSWORD });
    assert.equal(run.code, 2, run.stderr);
    assert.equal(run.stdout, '');
    assert.match(run.stderr, /^replicated-registries: The Vendor API refused to add an external registry \(400\): failed to validate credentials: unauthorized\. Check the values you gave\.\n$/);
    assert.deepEqual(api.registries, []);
    assert.deepEqual(serverSidePulls.at(-1), { slug: 'harness', image: '', verdict: 'unauthorized' });
  });

  void it('add: sends the credentials to the portal, which checks them for real; nothing is written locally', async () => {
    const run = await runCli(['registry', 'add', 'other', '--endpoint', registry.host, '--username', 'alice', '--password-stdin', '--name', 'harness'], { cwd: app, env, input: `${PASSWORD}\n` });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, new RegExp(`^Registry "harness" added to the vendor portal \\(${api.origin.replace(/\./g, '\\.')}\\)\n`));
    assert.match(run.stdout, /Credentials sent to Replicated; nothing was stored on this machine/);
    assert.match(run.stdout, /The vendor portal checked the credentials before saving/);
    const post = api.requests.filter((r) => r.method === 'POST').at(-1);
    assert.ok(post);
    assert.equal(post.authorization, API_TOKEN, 'the raw token, no Bearer');
    assert.deepEqual(JSON.parse(post.body), { provider: 'other', endpoint: registry.host, slug: 'harness', authType: 'password', username: 'alice', password: PASSWORD, skipValidation: false });
    assert.deepEqual(serverSidePulls.at(-1), { slug: 'harness', image: '', verdict: 'repository-not-found' }, 'the probe got past the login');
    assert.deepEqual(readdirSync(app), [], 'no registries file');
    assert.equal(readFileSync(path.join(dockerConfigDir, 'config.json'), 'utf8'), dockerConfigText);
    assert.equal(existsSync(helperLog), false, 'no credential helper was run');
  });

  void it('add --skip-validation sends skipValidation: true', async () => {
    const before = serverSidePulls.length;
    const run = await runCli(['registry', 'add', 'quay', '--username', 'acme+robot', '--password-stdin', '--skip-validation', '--app-ids', 'app-1'], { cwd: app, env, input: 'quay-robot-secret' });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /Check skipped \(--skip-validation\)/);
    assert.deepEqual(JSON.parse(api.requests.filter((r) => r.method === 'POST').at(-1)?.body ?? '{}'), {
      provider: 'quay',
      endpoint: 'quay.io',
      slug: 'quay.io',
      authType: 'password',
      username: 'acme+robot',
      password: 'quay-robot-secret',
      appIds: ['app-1'],
      skipValidation: true,
    });
    assert.equal(serverSidePulls.length, before, 'nothing was pulled');
  });

  void it('ls: the replicated CLI table, and -o json the API objects', async () => {
    const table = await runCli(['registry', 'ls'], { cwd: app, env });
    assert.equal(table.code, 0, table.stderr);
    const lines = table.stdout.trimEnd().split('\n');
    assert.deepEqual(lines.map((l) => l.split(/\s{2,}/)), [
      ['NAME', 'PROVIDER', 'ENDPOINT', 'APP_IDS', 'AUTHTYPE'],
      ['harness', 'other', registry.host, 'password'],
      ['quay.io', 'quay', 'quay.io', 'app-1', 'password'],
    ]);
    // Columns line up: every row starts its ENDPOINT where the header does.
    const endpointColumn = lines[0]?.indexOf('ENDPOINT');
    assert.equal(lines[1]?.indexOf(registry.host), endpointColumn);

    const json = await runCli(['registry', 'ls', 'harness', '-o', 'json'], { cwd: app, env });
    assert.equal(json.code, 0, json.stderr);
    assert.deepEqual(JSON.parse(json.stdout), [{ provider: 'other', endpoint: registry.host, slug: 'harness', authType: 'password', username: 'alice', lastUsedAt: null }]);
  });

  void it('test: 200 from a real pull on the portal side (relative or full reference)', async () => {
    const run = await runCli(['registry', 'test', 'harness', '--image', 'team/app:v1'], { cwd: app, env });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^verdict: +ok$/m);
    assert.match(run.stdout, /^httpStatus: +200$/m);
    assert.match(run.stdout, new RegExp(`Replicated's servers pulled the manifest of ${registry.host.replace(/\./g, '\\.')}/team/app:v1 with the saved credentials`));
    assert.deepEqual(serverSidePulls.at(-1), { slug: 'harness', image: 'team/app:v1', verdict: 'ok' });

    const full = await runCli(['registry', 'test', registry.host, '--image', `${registry.host}/team/app:v1`, '-o', 'json'], { cwd: app, env });
    assert.equal(full.code, 0, full.stderr);
    const result = JSON.parse(full.stdout) as { verdict: string; httpStatus: number };
    assert.deepEqual([result.verdict, result.httpStatus], ['ok', 200]);
    const sent = JSON.parse(api.requests.filter((r) => r.method === 'PUT').at(-1)?.body ?? '{}') as { image?: string };
    assert.equal(sent.image, 'team/app:v1', 'sent relative to the registry');
  });

  void it('test: 404 is explained as MANIFEST_UNKNOWN (credentials fine, image missing or not pullable), exit 1', async () => {
    const run = await runCli(['registry', 'test', 'harness', '--image', 'team/app:nope'], { cwd: app, env });
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stdout, /^verdict: +tag-not-found$/m);
    assert.match(run.stdout, /^registryError: +MANIFEST_UNKNOWN$/m);
    assert.match(run.stdout, /The saved credentials work, but .*team\/app:nope was not found or those credentials lack pull access to it \(404 MANIFEST_UNKNOWN\)/);
    assert.match(run.stderr, /^replicated-registries: .*team\/app:nope: tag-not-found — /);
    assert.deepEqual(serverSidePulls.at(-1), { slug: 'harness', image: 'team/app:nope', verdict: 'tag-not-found' });
  });

  void it('logs: the pull-log table and JSON', async () => {
    const table = await runCli(['registry', 'logs', 'harness'], { cwd: app, env });
    assert.equal(table.code, 0, table.stderr);
    const rows = table.stdout.trimEnd().split('\n').map((l) => l.split(/\s{2,}/));
    assert.deepEqual(rows[0], ['CREATED AT', 'ACTION', 'STATUS', 'SUCCESS', 'IMAGE']);
    assert.deepEqual(
      rows.slice(1).map((r) => r.slice(1)),
      [
        ['test', '200', 'true', 'team/app:v1'],
        ['test', '200', 'true', 'team/app:v1'],
        ['test', '404', 'false', 'team/app:nope'],
      ],
    );
    for (const row of rows.slice(1)) assert.ok(!Number.isNaN(Date.parse(row[0] ?? '')), `a timestamp: ${row[0]}`);

    const json = await runCli(['registry', 'logs', 'harness', '-o', 'json'], { cwd: app, env });
    assert.equal(json.code, 0, json.stderr);
    const logs = JSON.parse(json.stdout) as Array<{ action: string; statusCode: number | null; isSuccess: boolean; image: string | null }>;
    assert.deepEqual(logs.map((l) => [l.action, l.statusCode, l.isSuccess, l.image]).at(-1), ['test', 404, false, 'team/app:nope']);
  });

  void it('--api-token-stdin reads the token from stdin, with no warning', async () => {
    const run = await runCli(['registry', 'ls', '--api-token-stdin', '-o', 'json'], { cwd: app, env: envWithoutToken, input: `${API_TOKEN}\n` });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stderr, '');
    assert.deepEqual((JSON.parse(run.stdout) as Array<{ slug: string }>).map((r) => r.slug), ['harness', 'quay.io']);
    assert.equal(api.requests.at(-1)?.authorization, API_TOKEN);
  });

  void it('--api-token TOKEN works but warns that it leaks, and points at --api-token-stdin', async () => {
    const run = await runCli(['registry', 'ls', '--api-token', API_TOKEN], { cwd: app, env: envWithoutToken });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^harness /m);
    assert.match(run.stderr, /^warning: --api-token on the command line can leak into shell history and process lists; set REPLICATED_API_TOKEN or use --api-token-stdin instead\n$/);
  });

  void it('--token is refused outside `registry add` with a pointer to the API token flags', async () => {
    const run = await runCli(['registry', 'ls', '--token', API_TOKEN], { cwd: app, env: envWithoutToken });
    assert.equal(run.code, 2);
    assert.match(run.stderr, /--token is not a flag of registry ls: --token is the registry's own token in `registry add`; for the Replicated vendor API token set REPLICATED_API_TOKEN or use --api-token-stdin/);
  });

  void it('401: a rejected token is one line on stderr, exit 2', async () => {
    const run = await runCli(['registry', 'ls'], { cwd: app, env: { ...envWithoutToken, REPLICATED_API_TOKEN: WRONG_TOKEN } });
    assert.equal(run.code, 2);
    assert.equal(run.stdout, '');
    assert.match(run.stderr, /^replicated-registries: The Replicated API token was rejected \(401\): invalid token\. Create a new API token in the vendor portal and set REPLICATED_API_TOKEN .*\n$/);
    assert.doesNotMatch(run.stderr, new RegExp(WRONG_TOKEN));
  });

  void it('403: a read-only token may not add; one line, exit 2', async () => {
    const run = await runCli(['registry', 'add', 'ghcr', '--username', 'acme-bot', '--token-stdin'], { cwd: app, env: { ...envWithoutToken, REPLICATED_API_TOKEN: READ_ONLY_TOKEN }, input: 'ghp_registry_token' });
    assert.equal(run.code, 2);
    assert.match(run.stderr, /^replicated-registries: The API token is not allowed to add an external registry \(403 FORBIDDEN\): this token's policy does not allow kots\/externalregistry\/create\. Use a token whose role \(RBAC policy\) allows managing external registries\.\n$/);
  });

  void it('5xx: retried, then one line with exit 1; an unknown name is exit 2', async () => {
    const before = api.requests.length;
    api.failNext(3, 502, { message: 'bad gateway' });
    const run = await runCli(['registry', 'ls'], { cwd: app, env });
    assert.equal(run.code, 1);
    assert.equal(api.requests.length - before, 3, 'three attempts of an idempotent call');
    assert.match(run.stderr, /^replicated-registries: The Vendor API failed to list external registries \(HTTP 502\): bad gateway\. This is on Replicated's side; try again later\.\n$/);

    const unknown = await runCli(['registry', 'rm', 'no-such'], { cwd: app, env });
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /No registry named "no-such" in the vendor portal \(known: harness, quay\.io\)/);
  });

  void it('workspace mode: logs explains they exist only in the vendor portal (exit 2); --workspace ignores the token', async () => {
    const logs = await runCli(['registry', 'logs', 'harness'], { cwd: app, env: envWithoutToken });
    assert.equal(logs.code, 2);
    assert.match(logs.stderr, /pull logs exist only in the Replicated vendor portal .*set REPLICATED_API_TOKEN, or pipe it to --api-token-stdin/);

    const before = api.requests.length;
    const ls = await runCli(['registry', 'ls', '--workspace'], { cwd: app, env });
    assert.equal(ls.code, 0, ls.stderr);
    assert.match(ls.stderr, /no \.replicated-registries\.yaml/);
    assert.equal(api.requests.length, before, 'the portal was not asked');
  });

  void it('rm: "Registry removed", gone from the portal', async () => {
    for (const name of ['harness', 'quay.io']) {
      const run = await runCli(['registry', 'rm', name], { cwd: app, env });
      assert.equal(run.code, 0, run.stderr);
      assert.equal(run.stdout, 'Registry removed\n');
    }
    assert.deepEqual(api.registries, []);
    const ls = await runCli(['registry', 'ls', '-o', 'json'], { cwd: app, env });
    assert.deepEqual(JSON.parse(ls.stdout), []);
  });

  void it('the API token and the registry password never reached the output, a file, or a spawned process', () => {
    const output = transcript.join('\n');
    for (const secret of [API_TOKEN, READ_ONLY_TOKEN, WRONG_TOKEN, PASSWORD, WRONG_PASSWORD, 'quay-robot-secret', 'ghp_registry_token']) {
      assert.equal(output.includes(secret), false, `a secret appeared in the CLI's output`);
      for (const file of filesUnder(work)) assert.equal(readFileSync(file, 'utf8').includes(secret), false, `a secret was written to ${file}`);
    }
    assert.deepEqual(readdirSync(app), [], 'the workspace got no file');
    assert.equal(readFileSync(path.join(dockerConfigDir, 'config.json'), 'utf8'), dockerConfigText, 'the Docker config is untouched');
    assert.deepEqual(readdirSync(dockerConfigDir), ['config.json']);
    assert.equal(existsSync(helperLog), false, 'no credential helper (or any spy) process was spawned');
  });

  void it('control: the spy credential helper does record a workspace-mode add, so its absence above means something', async () => {
    const elsewhere = path.join(work, 'control');
    mkdirSync(elsewhere);
    const run = await runCli(['registry', 'add', 'other', '--workspace', '--endpoint', registry.host, '--username', 'alice', '--password-stdin', '--skip-validation'], { cwd: elsewhere, env, input: 'control-secret' });
    assert.equal(run.code, 2, 'the spy refuses to store');
    assert.match(readFileSync(helperLog, 'utf8'), /^called: store\n/);
  });
});
