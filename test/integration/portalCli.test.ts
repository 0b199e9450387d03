/**
 * The `registry` CLI in vendor-portal mode, as a user runs it (the built `bin/replicated-registries`),
 * against the local stand-in for the hosted Vendor API v3. The stand-in's "server-side" test and
 * add-time validation are real: they pull from a real `docker-registry` (htpasswd over TLS) with the
 * credentials the CLI sent, through RegistryClient. The stand-in matches test and logs on the endpoint
 * only (as the hosted API is documented to), so a CLI that sent the slug would fail here. A second
 * stand-in answers only a token found the way `replicated` finds it: its login file, its profiles.
 * Ends by proving the API token and the registry password were written nowhere on this machine (the
 * `replicated` CLI's own file, which the user chose, is read and never written) and that no process
 * (credential helper) was spawned.
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
import { VendorApiClient, VendorApiError } from '../../server/src/store/portal/vendorApiClient';

const repoRoot = path.resolve(__dirname, '..', '..');
const random = (): string => Math.random().toString(36).slice(2);
const API_TOKEN = 'rr-portal-cli-token-' + random();
const READ_ONLY_TOKEN = 'rr-portal-cli-readonly-' + random();
const WRONG_TOKEN = 'rr-portal-cli-wrong-' + random();
const PASSWORD = 'Portal-Registry-Secret-' + random();
const WRONG_PASSWORD = 'Portal-Wrong-Secret-' + random();
const LOGIN_TOKEN = 'rr-portal-cli-login-' + random();
const PROFILE_TOKEN = 'rr-portal-cli-profile-' + random();

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
  /** Answers LOGIN_TOKEN (the `replicated login` file) and PROFILE_TOKEN (a profile), each on its own stand-in. */
  let loginApi: VendorApiStandIn;
  let profileApi: VendorApiStandIn;

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

    loginApi = await startVendorApiStandIn({ token: LOGIN_TOKEN });
    profileApi = await startVendorApiStandIn({ token: PROFILE_TOKEN, apps: [{ id: 'app-id-2', slug: 'second-app', name: 'Second' }] });
    // Kinds the portal has and `replicated registry add` cannot make (seeded as the portal would list them).
    profileApi.registries.push(
      { provider: 'nexus', endpoint: 'nexus.acme.example', slug: 'nexus', authType: 'password', username: 'ci', password: 'n', lastUsedAt: null },
      { provider: 'ecr', endpoint: '123456789012.dkr.ecr.us-east-1.amazonaws.com', slug: 'ecr-role', authType: 'iamrole', username: 'arn:aws:iam::123456789012:role/pull', password: 'x', appIds: ['app-id-1'], lastUsedAt: null },
    );
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
    await loginApi?.stop();
    await profileApi?.stop();
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
    // stdout as `replicated registry add` prints it: the new registry's row.
    assert.deepEqual(run.stdout.trimEnd().split('\n').map((l) => l.split(/\s{2,}/)), [
      ['NAME', 'PROVIDER', 'ENDPOINT', 'APP_IDS', 'AUTHTYPE'],
      ['harness', 'other', registry.host, '-', 'password'],
    ]);
    assert.match(run.stderr, new RegExp(`^Registry "harness" added to the vendor portal \\(${api.origin.replace(/\./g, '\\.')}\\); credentials sent to Replicated, nothing was stored on this machine\n`));
    assert.match(run.stderr, /The vendor portal checked the credentials before saving/);
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
    assert.match(run.stderr, /Check skipped \(--skip-validation\)/);
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

  void it('add other --authtype token: sent as a password (as `replicated registry add other` sends it), and said so', async () => {
    const run = await runCli(['registry', 'add', 'other', '--endpoint', 'token.example.com', '--authtype', 'token', '--username', 'robot', '--password-stdin', '--name', 'tok', '--skip-validation'], { cwd: app, env, input: 'robot-token-secret' });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /note: the vendor portal keeps "other" registries with a username and password .*the token is sent as the password/);
    const body = JSON.parse(api.requests.filter((r) => r.method === 'POST').at(-1)?.body ?? '{}') as Record<string, unknown>;
    assert.equal(body.authType, 'password');
    assert.equal(body.provider, 'other');
    const rm = await runCli(['registry', 'delete', 'tok'], { cwd: app, env });
    assert.equal(rm.code, 0, rm.stderr);
    assert.equal(rm.stdout, 'Registry removed\n', '`delete` is `rm`, as in replicated');
  });

  void it('add --copy-password-from: the portal duplicates the saved password (copyPassword, originalSlug) and checks it for real', async () => {
    const run = await runCli(['registry', 'add', 'other', '--endpoint', registry.host, '--username', 'alice', '--name', 'harness-copy', '--copy-password-from', 'harness'], { cwd: app, env });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /the password of "harness" was copied by Replicated/);
    const body = JSON.parse(api.requests.filter((r) => r.method === 'POST').at(-1)?.body ?? '{}') as Record<string, unknown>;
    assert.deepEqual(body, { copyPassword: true, originalSlug: 'harness', provider: 'other', endpoint: registry.host, slug: 'harness-copy', authType: 'password', username: 'alice', password: '', skipValidation: false });
    assert.deepEqual(serverSidePulls.at(-1), { slug: 'harness-copy', image: '', verdict: 'repository-not-found' }, 'the copied password got past the login');
    const refused = await runCli(['registry', 'add', 'other', '--workspace', '--endpoint', registry.host, '--username', 'alice', '--copy-password-from', 'harness'], { cwd: app, env: envWithoutToken });
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /--copy-password-from duplicates a registry saved in the vendor portal/);
    assert.equal((await runCli(['registry', 'rm', 'harness-copy'], { cwd: app, env })).code, 0);
  });

  void it('ls: the replicated CLI table, and -o json the API objects', async () => {
    const table = await runCli(['registry', 'ls'], { cwd: app, env });
    assert.equal(table.code, 0, table.stderr);
    assert.equal(table.stderr, `note: vendor portal at ${api.origin}, with REPLICATED_API_TOKEN\n`, 'ls says which backend and token it used');
    const lines = table.stdout.trimEnd().split('\n');
    assert.deepEqual(lines.map((l) => l.split(/\s{2,}/)), [
      ['NAME', 'PROVIDER', 'ENDPOINT', 'APP_IDS', 'AUTHTYPE'],
      ['harness', 'other', registry.host, '-', 'password'],
      ['quay.io', 'quay', 'quay.io', 'app-1', 'password'],
    ]);
    // A substring of the slug or the endpoint, as `replicated registry ls NAME`; `list` is `ls`; -o wide is accepted.
    const substring = await runCli(['registry', 'list', 'qua', '-o', 'wide'], { cwd: app, env });
    assert.equal(substring.code, 0, substring.stderr);
    assert.deepEqual(substring.stdout.trimEnd().split('\n').slice(1).map((l) => l.split(/\s+/)[0]), ['quay.io']);
    const byHost = await runCli(['registry', 'ls', registry.host.split(':')[0] ?? ''], { cwd: app, env });
    assert.deepEqual(byHost.stdout.trimEnd().split('\n').slice(1).map((l) => l.split(/\s+/)[0]), ['harness']);
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
    assert.equal(run.stdout, 'Registry connection appears ok\n', 'the replicated CLI\'s words');
    assert.deepEqual(serverSidePulls.at(-1), { slug: 'harness', image: 'team/app:v1', verdict: 'ok' });
    // Named by its slug, addressed by its endpoint, as `replicated registry test HOSTNAME` addresses it.
    assert.deepEqual(JSON.parse(api.requests.filter((r) => r.method === 'PUT').at(-1)?.body ?? '{}'), { endpoint: registry.host, image: 'team/app:v1' });

    const full = await runCli(['registry', 'test', registry.host, '--image', `${registry.host}/team/app:v1`, '-o', 'json'], { cwd: app, env });
    assert.equal(full.code, 0, full.stderr);
    const result = JSON.parse(full.stdout) as { verdict: string; httpStatus: number };
    assert.deepEqual([result.verdict, result.httpStatus], ['ok', 200]);
    const sent = JSON.parse(api.requests.filter((r) => r.method === 'PUT').at(-1)?.body ?? '{}') as { image?: string };
    assert.equal(sent.image, 'team/app:v1', 'sent relative to the registry');
  });

  void it('the stand-in, like the hosted API, matches test and logs on the endpoint only: a slug is not found (so the suite catches a client that sends it)', async () => {
    const client = new VendorApiClient({ token: API_TOKEN, origin: api.origin, maxAttempts: 1 });
    await assert.rejects(client.testRegistry('harness', 'team/app:v1'), (err: unknown) => err instanceof VendorApiError && err.status === 404);
    await assert.rejects(client.pullLogs('harness'), (err: unknown) => err instanceof VendorApiError && err.status === 404);
    assert.equal(await client.testRegistry(registry.host, 'team/app:v1'), 200);
  });

  void it('test: 404 is the MANIFEST_UNKNOWN explanation in the replicated CLI\'s words, verdict manifest-unknown (never "tag not found"), exit 1', async () => {
    const run = await runCli(['registry', 'test', 'harness', '--image', 'team/app:nope'], { cwd: app, env });
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stdout, /^Registry connection failed with MANIFEST_UNKNOWN\.\nCheck that the credentials are ok and that the image exists\.\n/);
    assert.match(run.stdout, /likely that the credentials do not have access to pull the image specified\.\n\nFor help, please visit https:\/\/docs\.replicated\.com\/external-registry\/troubleshooting\n$/);
    assert.match(run.stderr, /^replicated-registries: .*team\/app:nope: manifest-unknown \(HTTP 404\) — /m);
    const json = await runCli(['registry', 'test', 'harness', '--image', 'team/app:nope', '-o', 'json'], { cwd: app, env });
    const result = JSON.parse(json.stdout) as { verdict: string; registryErrorCode: string };
    assert.deepEqual([result.verdict, result.registryErrorCode], ['manifest-unknown', 'MANIFEST_UNKNOWN']);
    assert.deepEqual(serverSidePulls.at(-1), { slug: 'harness', image: 'team/app:nope', verdict: 'tag-not-found' });
  });

  void it('logs: the pull-log table and JSON', async () => {
    const table = await runCli(['registry', 'logs', 'harness'], { cwd: app, env });
    assert.equal(table.code, 0, table.stderr);
    const rows = table.stdout.trimEnd().split('\n').map((l) => l.split(/\s{2,}/));
    // The columns `replicated registry logs` prints.
    assert.deepEqual(rows[0], ['DATE', 'IMAGE', 'ACTION', 'STATUS', 'SUCCESS']);
    assert.deepEqual(
      rows.slice(1).map((r) => r.slice(1)),
      [
        ['team/app:v1', 'test', '200', 'true'],
        ['team/app:v1', 'test', '200', 'true'],
        ['team/app:v1', 'test', '200', 'true'],
        ['team/app:nope', 'test', '404', 'false'],
        ['team/app:nope', 'test', '404', 'false'],
      ],
    );
    assert.equal(api.requests.filter((r) => r.method === 'GET').at(-1)?.path, `/v3/external_registry/logs?endpoint=${encodeURIComponent(registry.host)}`, 'asked by endpoint');
    for (const row of rows.slice(1)) assert.ok(!Number.isNaN(Date.parse(row[0] ?? '')), `a timestamp: ${row[0]}`);

    const json = await runCli(['registry', 'logs', 'harness', '-o', 'json'], { cwd: app, env });
    assert.equal(json.code, 0, json.stderr);
    const logs = JSON.parse(json.stdout) as Array<{ action: string; statusCode: number | null; isSuccess: boolean; image: string | null }>;
    assert.deepEqual(logs.map((l) => [l.action, l.statusCode, l.isSuccess, l.image]).at(-1), ['test', 404, false, 'team/app:nope']);
  });

  void it('--api-token-stdin reads the token from stdin, with no warning', async () => {
    const run = await runCli(['registry', 'ls', '--api-token-stdin', '-o', 'json'], { cwd: app, env: envWithoutToken, input: `${API_TOKEN}\n` });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stderr, `note: vendor portal at ${api.origin}, with the API token piped to --api-token-stdin\n`, 'no warning, only which backend');
    assert.deepEqual((JSON.parse(run.stdout) as Array<{ slug: string }>).map((r) => r.slug), ['harness', 'quay.io']);
    assert.equal(api.requests.at(-1)?.authorization, API_TOKEN);
  });

  void it('--api-token TOKEN works but warns that it leaks, and points at --api-token-stdin', async () => {
    const run = await runCli(['registry', 'ls', '--api-token', API_TOKEN], { cwd: app, env: envWithoutToken });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^harness /m);
    assert.match(run.stderr, /^warning: --api-token on the command line can leak into shell history and process lists; prefer REPLICATED_API_TOKEN, the profile `replicated login` writes, or --api-token-stdin\n/);
  });

  void it('--token is the API token on ls/test/logs, as in `replicated` (it warns); on add ghcr it stays the registry\'s token', async () => {
    const ls = await runCli(['registry', 'ls', '--token', API_TOKEN], { cwd: app, env: envWithoutToken });
    assert.equal(ls.code, 0, ls.stderr);
    assert.match(ls.stdout, /^harness /m);
    assert.match(ls.stderr, /^warning: --token on the command line can leak/);
    assert.match(ls.stderr, /note: vendor portal at .*, with the API token given on the command line\n/);
    const test = await runCli(['registry', 'test', 'harness', '--image', 'team/app:v1', '--token', API_TOKEN], { cwd: app, env: envWithoutToken });
    assert.equal(test.code, 0, test.stderr);
    const logs = await runCli(['registry', 'logs', registry.host, '--token', API_TOKEN, '-o', 'json'], { cwd: app, env: envWithoutToken });
    assert.equal(logs.code, 0, logs.stderr);
    // On `add ghcr`, --token is the registry's (the API token comes from REPLICATED_API_TOKEN here).
    const add = await runCli(['registry', 'add', 'ghcr', '--username', 'acme-bot', '--token', 'ghp_flag_registry_token', '--skip-validation', '--name', 'gh'], { cwd: app, env });
    assert.equal(add.code, 0, add.stderr);
    const post = api.requests.filter((r) => r.method === 'POST').at(-1);
    assert.equal(post?.authorization, API_TOKEN);
    assert.equal((JSON.parse(post?.body ?? '{}') as { password?: string }).password, 'ghp_flag_registry_token');
    assert.equal((await runCli(['registry', 'rm', 'gh'], { cwd: app, env })).code, 0);
  });

  void it('401: a rejected token is one line on stderr, exit 2', async () => {
    const run = await runCli(['registry', 'ls'], { cwd: app, env: { ...envWithoutToken, REPLICATED_API_TOKEN: WRONG_TOKEN } });
    assert.equal(run.code, 2);
    assert.equal(run.stdout, '');
    assert.match(run.stderr, /^note: vendor portal at .*\nreplicated-registries: The Replicated API token was rejected \(401\): invalid token\. Create a new API token in the vendor portal and set REPLICATED_API_TOKEN .*\n$/);
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
    assert.match(run.stderr, /^note: vendor portal at .*\nreplicated-registries: The Vendor API failed to list external registries \(HTTP 502\): bad gateway\. This is on Replicated's side; try again later\.\n$/);

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

  void it('`replicated login`: its token file is found (no flag, no variable), and ls says so', async () => {
    const home = path.join(work, 'home-login');
    const file = path.join(home, '.replicated', 'config.yaml');
    mkdirSync(path.dirname(file), { recursive: true });
    // What `replicated login` writes (SetCurrentCredentials): JSON despite the name, mode 0600.
    writeFileSync(file, JSON.stringify({ token: LOGIN_TOKEN }), { mode: 0o600 });
    const loginEnv = { ...envWithoutToken, HOME: home, REPLICATED_API_ORIGIN: loginApi.origin };
    const run = await runCli(['registry', 'ls', '-o', 'json'], { cwd: app, env: loginEnv });
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(JSON.parse(run.stdout), []);
    assert.equal(run.stderr, `note: vendor portal at ${loginApi.origin}, with the replicated CLI's login (${file})\n`);
    assert.equal(loginApi.requests.at(-1)?.authorization, LOGIN_TOKEN);
  });

  void it('profiles: the default one, --profile NAME, its own origin; REPLICATED_API_TOKEN wins as in `replicated`; a missing profile is exit 2; the file is never written', async () => {
    const home = path.join(work, 'home-profiles');
    const file = path.join(home, '.config', 'replicated', 'config.yaml');
    mkdirSync(path.dirname(file), { recursive: true });
    // What `replicated profile add` writes. The token of "prod" is good only at profileApi; "stale" is rejected there.
    const content = JSON.stringify({ profiles: { prod: { apiToken: PROFILE_TOKEN, apiOrigin: profileApi.origin }, stale: { apiToken: WRONG_TOKEN, apiOrigin: profileApi.origin } }, defaultProfile: 'prod' }, null, 2);
    writeFileSync(file, content, { mode: 0o600 });
    const profileEnv: NodeJS.ProcessEnv = { ...envWithoutToken, HOME: home };
    delete profileEnv.REPLICATED_API_ORIGIN;

    const byDefault = await runCli(['registry', 'ls'], { cwd: app, env: profileEnv });
    assert.equal(byDefault.code, 0, byDefault.stderr);
    assert.equal(byDefault.stderr, `note: vendor portal at ${profileApi.origin}, with profile "prod" of the replicated CLI (${file})\n`);
    // Kinds this tool cannot add are shown as the portal names them, never relabelled.
    assert.deepEqual(byDefault.stdout.trimEnd().split('\n').slice(1).map((l) => l.split(/\s+/)), [
      ['nexus', 'nexus', 'nexus.acme.example', '-', 'password'],
      ['ecr-role', 'ecr', '123456789012.dkr.ecr.us-east-1.amazonaws.com', 'app-id-1', 'iamrole'],
    ]);

    const named = await runCli(['registry', 'ls', '--profile', 'stale'], { cwd: app, env: profileEnv });
    assert.equal(named.code, 2);
    assert.match(named.stderr, /The Replicated API token was rejected \(401\)/, '--profile picked the other token');
    assert.equal(profileApi.requests.at(-1)?.authorization, WRONG_TOKEN);

    const missing = await runCli(['registry', 'ls', '--profile', 'nope'], { cwd: app, env: profileEnv });
    assert.equal(missing.code, 2);
    assert.equal(missing.stderr, `replicated-registries: no profile "nope" in ${file} (profiles: prod, stale); run \`replicated profile add nope\`\n`);

    const envWins = await runCli(['registry', 'ls', '--profile', 'stale'], { cwd: app, env: { ...profileEnv, REPLICATED_API_TOKEN: API_TOKEN, REPLICATED_API_ORIGIN: api.origin } });
    assert.equal(envWins.code, 0, envWins.stderr);
    assert.match(envWins.stderr, /note: REPLICATED_API_TOKEN is set and wins over --profile stale \(as in `replicated`\); unset it to use the profile\n/);

    // The app as `replicated` finds it: the nearest .replicated file (appSlug), which ls names.
    const project = path.join(work, 'project');
    mkdirSync(path.join(project, 'charts'), { recursive: true });
    writeFileSync(path.join(project, '.replicated'), 'appSlug: second-app\ncharts:\n  - path: ./charts/*\n');
    const scoped = await runCli(['registry', 'ls'], { cwd: path.join(project, 'charts'), env: profileEnv });
    assert.equal(scoped.code, 0, scoped.stderr);
    assert.match(scoped.stderr, new RegExp(`; app "second-app" \\(from ${path.join(project, '.replicated').replace(/[.\\/]/g, '\\$&')}\\)\n`));
    assert.match(scoped.stderr, /note: 1 registry is limited to other apps than "second-app" and not shown/);
    assert.deepEqual(scoped.stdout.trimEnd().split('\n').slice(1).map((l) => l.split(/\s+/)[0]), ['nexus']);

    // Test of an ECR IAM-role registry: Replicated's test runs; what this tool cannot check is said.
    const test = await runCli(['registry', 'test', 'ecr-role', '--image', 'team/app:v1'], { cwd: app, env: profileEnv });
    assert.equal(test.code, 0, test.stderr);
    assert.match(test.stderr, /note: ecr-role: Replicated's test uses the portal's own login; the portal keeps this registry with auth type "iamrole", which this tool cannot log in as/);
    assert.deepEqual(JSON.parse(profileApi.requests.filter((r) => r.method === 'PUT').at(-1)?.body ?? '{}'), { endpoint: '123456789012.dkr.ecr.us-east-1.amazonaws.com', image: 'team/app:v1' });

    assert.equal(readFileSync(file, 'utf8'), content, 'the replicated CLI file is read, never written');
    assert.deepEqual(readdirSync(path.dirname(file)), ['config.yaml']);
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
    // The replicated CLI's own files hold their tokens: the user chose them (checked unchanged above); nothing else may.
    const replicatedFiles = new Set([path.join(work, 'home-login', '.replicated', 'config.yaml'), path.join(work, 'home-profiles', '.config', 'replicated', 'config.yaml')]);
    for (const secret of [API_TOKEN, READ_ONLY_TOKEN, WRONG_TOKEN, LOGIN_TOKEN, PROFILE_TOKEN, PASSWORD, WRONG_PASSWORD, 'quay-robot-secret', 'ghp_registry_token', 'ghp_flag_registry_token', 'robot-token-secret']) {
      assert.equal(output.includes(secret), false, `a secret appeared in the CLI's output`);
      for (const file of filesUnder(work).filter((f) => !replicatedFiles.has(f))) assert.equal(readFileSync(file, 'utf8').includes(secret), false, `a secret was written to ${file}`);
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
