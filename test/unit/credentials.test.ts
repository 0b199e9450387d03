import assert from 'node:assert/strict';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { redact } from '../../server/src/log/logger';
import { chainCredentialSources } from '../../server/src/registry/credentials/chainCredentialSources';
import { DockerCredentialStore, DOCKER_HUB_AUTH_KEY } from '../../server/src/registry/credentials/dockerCredentialStore';
import { EnvironmentCredentialSource, environmentVariableNames } from '../../server/src/registry/credentials/environmentCredentialSource';
import { cliInsecureConsent, credentialsForEntry } from '../../server/src/registry/credentials/credentialGate';
import { credentialHost, sameCredentialHost } from '../../server/src/registry/credentials/hostBinding';
import { CredentialSourceError, CredentialsWithheldError, type CredentialLookup, type CredentialSource } from '../../server/src/registry/credentials/types';
import type { RegistryEntry } from '../../server/src/registry/types';

/**
 * A `docker-credential-<name>` helper speaking the real protocol, backed by a JSON file per helper
 * name. It appends its argv to argv.log so tests can prove no secret is ever passed as an argument.
 */
const FAKE_HELPER = `#!${process.execPath}
const fs = require('node:fs');
const path = require('node:path');
const dir = process.env.FAKE_HELPER_DIR;
const name = path.basename(process.argv[1]).replace('docker-credential-', '');
const stateFile = path.join(dir, name + '.json');
fs.appendFileSync(path.join(dir, 'argv.log'), JSON.stringify({ name, argv: process.argv.slice(2) }) + '\\n');
if (process.env.FAKE_HELPER_HANG === '1') { setInterval(() => {}, 1000); return; }
const state = fs.existsSync(stateFile) ? JSON.parse(fs.readFileSync(stateFile, 'utf8')) : {};
const action = process.argv[2];
let input = '';
process.stdin.on('data', (c) => (input += c));
process.stdin.on('end', () => {
  if (action === 'get') {
    const found = state[input];
    if (!found) { process.stdout.write('credentials not found in native keychain\\n'); process.exit(1); }
    process.stdout.write(JSON.stringify({ ServerURL: input, Username: found.Username, Secret: found.Secret }));
  } else if (action === 'store') {
    const c = JSON.parse(input);
    state[c.ServerURL] = { Username: c.Username, Secret: c.Secret };
    fs.writeFileSync(stateFile, JSON.stringify(state));
  } else if (action === 'erase') {
    if (!state[input]) { process.stdout.write('credentials not found in native keychain\\n'); process.exit(1); }
    delete state[input];
    fs.writeFileSync(stateFile, JSON.stringify(state));
  } else if (action === 'list') {
    process.stdout.write(JSON.stringify(Object.fromEntries(Object.entries(state).map(([k, v]) => [k, v.Username]))));
  } else { process.stderr.write('unknown action ' + action + '\\n'); process.exit(2); }
});
`;

let root: string;
let binDir: string;
let helperDir: string;
let counter = 0;

before(() => {
  root = mkdtempSync(path.join(os.tmpdir(), 'credentials-test-'));
  binDir = path.join(root, 'bin');
  mkdirSync(binDir);
  const fake = path.join(binDir, 'docker-credential-fake');
  writeFileSync(fake, FAKE_HELPER, { mode: 0o755 });
  copyFileSync(fake, path.join(binDir, 'docker-credential-other'));
  chmodSync(path.join(binDir, 'docker-credential-other'), 0o755);
});
after(() => rmSync(root, { recursive: true, force: true }));

/** A fresh DOCKER_CONFIG folder and helper state for one test. */
function setup(config?: unknown, raw?: string): { dir: string; env: NodeJS.ProcessEnv; store: DockerCredentialStore; helperState(name: string): Record<string, { Username: string; Secret: string }>; argvLog(): Array<{ name: string; argv: string[] }> } {
  const dir = path.join(root, `case-${++counter}`);
  helperDir = path.join(dir, 'helper');
  mkdirSync(helperDir, { recursive: true });
  const configDir = path.join(dir, 'docker');
  if (config !== undefined || raw !== undefined) {
    mkdirSync(configDir, { recursive: true });
    writeFileSync(path.join(configDir, 'config.json'), raw ?? JSON.stringify(config, null, '\t'));
  }
  const stateDir = helperDir;
  const env: NodeJS.ProcessEnv = { PATH: `${binDir}:${process.env.PATH ?? ''}`, HOME: path.join(dir, 'home'), DOCKER_CONFIG: configDir, FAKE_HELPER_DIR: stateDir };
  return {
    dir: configDir,
    env,
    store: new DockerCredentialStore({ env, helperTimeoutMs: 5000 }),
    helperState: (name) => {
      try {
        return JSON.parse(readFileSync(path.join(stateDir, `${name}.json`), 'utf8')) as Record<string, { Username: string; Secret: string }>;
      } catch {
        return {};
      }
    },
    argvLog: () => {
      try {
        return readFileSync(path.join(stateDir, 'argv.log'), 'utf8')
          .trim()
          .split('\n')
          .filter((l) => l !== '')
          .map((l) => JSON.parse(l) as { name: string; argv: string[] });
      } catch {
        return [];
      }
    },
  };
}

function seedHelper(name: string, entries: Record<string, { Username: string; Secret: string }>): void {
  writeFileSync(path.join(helperDir, `${name}.json`), JSON.stringify(entries));
}

const basic = (user: string, pass: string): string => Buffer.from(`${user}:${pass}`).toString('base64');
const entry = (endpoint: string, provider: CredentialLookup['provider'] = 'other', slug = 'reg'): CredentialLookup => ({ slug, endpoint, provider });

void describe('DockerCredentialStore lookup', () => {
  void it('reads auths: base64 user:password, with the secret registered for redaction', async () => {
    const { store } = setup({ auths: { 'registry.example.com:5000': { auth: basic('bob', 'pa:ss-word-1') } } });
    const found = await store.get(entry('registry.example.com:5000'));
    assert.deepEqual(found, { username: 'bob', secret: 'pa:ss-word-1', origin: 'docker-config' });
    assert.equal(redact('the password is pa:ss-word-1'), 'the password is ****');
    assert.equal(await store.get(entry('registry.example.com')), undefined, 'a different port is a different registry');
  });

  void it('matches https:// and path-suffixed keys, and identity tokens', async () => {
    const { store } = setup({ auths: { 'https://r.example/v2/': { auth: basic('amy', 'secret-two') }, 'tok.example': { identitytoken: 'refresh-token-xyz' } } });
    assert.equal((await store.get(entry('r.example')))?.secret, 'secret-two');
    assert.deepEqual(await store.get(entry('tok.example')), { username: '<token>', secret: 'refresh-token-xyz', identityToken: 'refresh-token-xyz', origin: 'docker-config' });
  });

  void it('finds Docker Hub under any of its keys', async () => {
    for (const key of [DOCKER_HUB_AUTH_KEY, 'docker.io', 'index.docker.io', 'registry-1.docker.io', 'https://index.docker.io/v1']) {
      const { store } = setup({ auths: { [key]: { auth: basic('hubuser', 'hub-secret') } } });
      for (const endpoint of ['index.docker.io', 'docker.io', 'registry-1.docker.io']) {
        assert.equal((await store.get(entry(endpoint, 'dockerhub')))?.username, 'hubuser', `key ${key}, endpoint ${endpoint}`);
      }
    }
  });

  void it('prefers the exact key docker writes over other spellings of the host', async () => {
    const { store } = setup({ auths: { 'https://r.example': { auth: basic('old', 'stale-secret') }, 'r.example': { auth: basic('new', 'fresh-secret') } } });
    assert.equal((await store.get(entry('r.example')))?.username, 'new');
  });

  void it('asks credHelpers[host] first, then credsStore, then auths', async () => {
    const t = setup({
      credHelpers: { 'a.example': 'other' },
      credsStore: 'fake',
      auths: { 'a.example': { auth: basic('from-auths', 'auths-secret') }, 'b.example': { auth: basic('from-auths', 'auths-secret') }, 'c.example': { auth: basic('from-auths', 'auths-secret') } },
    });
    seedHelper('other', { 'a.example': { Username: 'from-credhelper', Secret: 'helper-secret-a' } });
    seedHelper('fake', { 'a.example': { Username: 'from-credsstore', Secret: 'store-secret-a' }, 'b.example': { Username: 'from-credsstore', Secret: 'store-secret-b' } });
    assert.deepEqual(await t.store.get(entry('a.example')), { username: 'from-credhelper', secret: 'helper-secret-a', origin: 'docker-credential-helper' });
    assert.equal((await t.store.get(entry('b.example')))?.username, 'from-credsstore');
    assert.equal((await t.store.get(entry('c.example')))?.username, 'from-auths');
    // The server URL went on stdin: the only argument a helper ever saw is the action.
    assert.ok(t.argvLog().length >= 3);
    for (const call of t.argvLog()) assert.deepEqual(call.argv, ['get']);
  });

  void it('a helper answering with the username <token> hands back an identity token', async () => {
    const t = setup({ credsStore: 'fake' });
    seedHelper('fake', { 'oauth.example': { Username: '<token>', Secret: 'helper-refresh-token' } });
    assert.deepEqual(await t.store.get(entry('oauth.example')), { username: '<token>', secret: 'helper-refresh-token', identityToken: 'helper-refresh-token', origin: 'docker-credential-helper' });
  });

  void it('asks a helper for Docker Hub by its legacy URL', async () => {
    const t = setup({ credsStore: 'fake' });
    seedHelper('fake', { [DOCKER_HUB_AUTH_KEY]: { Username: 'hubber', Secret: 'hub-helper-secret' } });
    assert.equal((await t.store.get(entry('docker.io', 'dockerhub')))?.username, 'hubber');
  });

  void it('says clearly when a configured helper is missing, without any secret', async () => {
    const { store } = setup({ credsStore: 'nonexistent', auths: { 'x.example': { auth: basic('u', 'never-shown-secret') } } });
    await assert.rejects(store.get(entry('y.example')), (err: unknown) => {
      assert.ok(err instanceof CredentialSourceError);
      assert.match(err.message, /docker-credential-nonexistent is not installed or not on PATH \(credsStore in .*config\.json\); install it, or remove it/);
      return true;
    });
  });

  void it('gives up on a helper that never answers, within its timeout', async () => {
    const t = setup({ credsStore: 'fake' });
    const store = new DockerCredentialStore({ env: { ...t.env, FAKE_HELPER_HANG: '1' }, helperTimeoutMs: 300 });
    const started = Date.now();
    await assert.rejects(store.get(entry('x.example')), /docker-credential-fake get did not answer within 300 ms \(credsStore in .*\); it may be waiting for a keychain unlock/);
    assert.ok(Date.now() - started < 4000, 'the timeout fired');
  });

  void it('rejects a helper name that is a path', async () => {
    const { store } = setup({ credsStore: '../../bin/sh' });
    await assert.rejects(store.get(entry('x.example')), /not a valid helper name/);
  });

  void it('does not quote a broken config file (it may hold secrets)', async () => {
    const { store } = setup(undefined, '{"auths": {"x": {"auth": "c2VjcmV0LWluLWJyb2tlbi1maWxl"}}, oops');
    await assert.rejects(store.get(entry('x')), (err: unknown) => {
      assert.ok(err instanceof Error);
      assert.match(err.message, /config\.json is not valid JSON; fix it/);
      assert.doesNotMatch(err.message, /c2VjcmV0|oops/);
      return true;
    });
  });

  void it('treats a missing config as empty', async () => {
    const { store } = setup();
    assert.equal(await store.get(entry('x.example')), undefined);
    assert.deepEqual(await store.listHosts(), []);
  });

  void it('uses $DOCKER_CONFIG, else ~/.docker', () => {
    assert.equal(new DockerCredentialStore({ env: { DOCKER_CONFIG: '/cfg' } }).configPath, '/cfg/config.json');
    assert.equal(new DockerCredentialStore({ env: { HOME: '/home/amy' } }).configPath, '/home/amy/.docker/config.json');
  });
});

void describe('DockerCredentialStore writes', () => {
  void it('stores into auths the way docker login does: mode 0600, other keys and indentation kept', async () => {
    const original = {
      auths: { 'other.example': { auth: basic('o', 'other-secret') } },
      currentContext: 'desktop-linux',
      proxies: { default: { httpProxy: 'http://proxy:3128' } },
    };
    const t = setup(undefined, `${JSON.stringify(original, null, 2)}\n`);
    const location = await t.store.store('r.example:5000', { username: 'bob', secret: 'stored-secret-1' });
    assert.equal(location.kind, 'config');
    const configPath = path.join(t.dir, 'config.json');
    assert.equal(statSync(configPath).mode & 0o777, 0o600);
    const text = readFileSync(configPath, 'utf8');
    assert.match(text, /^\{\n {2}"auths": \{\n {4}"other\.example"/, 'two-space indentation kept');
    assert.ok(text.endsWith('}\n'));
    const written = JSON.parse(text) as typeof original & { auths: Record<string, { auth: string }> };
    assert.equal(written.currentContext, 'desktop-linux');
    assert.deepEqual(written.proxies, original.proxies);
    assert.equal(written.auths['other.example']?.auth, basic('o', 'other-secret'));
    assert.equal(written.auths['r.example:5000']?.auth, basic('bob', 'stored-secret-1'));
    assert.deepEqual(await t.store.get(entry('r.example:5000')), { username: 'bob', secret: 'stored-secret-1', origin: 'docker-config' });
  });

  void it('creates the config folder and file (tab-indented, like docker) when missing, and uses the Docker Hub key', async () => {
    const t = setup();
    await t.store.store('docker.io', { username: 'hub', secret: 'hub-secret-9' });
    const configPath = path.join(t.dir, 'config.json');
    assert.equal(statSync(configPath).mode & 0o777, 0o600);
    const text = readFileSync(configPath, 'utf8');
    assert.match(text, /^\{\n\t"auths"/);
    assert.deepEqual(Object.keys((JSON.parse(text) as { auths: object }).auths), [DOCKER_HUB_AUTH_KEY]);
  });

  void it('stores through the configured helper, with the secret on stdin only', async () => {
    const t = setup({ credsStore: 'fake', auths: {} });
    const location = await t.store.store('r.example', { username: 'bob', secret: 'helper-stored-secret' });
    assert.deepEqual([location.kind, location.description], ['helper', 'docker-credential-fake']);
    assert.deepEqual(t.helperState('fake')['r.example'], { Username: 'bob', Secret: 'helper-stored-secret' });
    assert.deepEqual(t.argvLog(), [{ name: 'fake', argv: ['store'] }]);
    assert.doesNotMatch(readFileSync(path.join(t.dir, 'config.json'), 'utf8'), /helper-stored-secret/);
    // credHelpers wins over credsStore for its host.
    const t2 = setup({ credsStore: 'fake', credHelpers: { 'r.example': 'other' } });
    await t2.store.store('r.example', { username: 'amy', secret: 'per-host-secret' });
    assert.equal(t2.helperState('other')['r.example']?.Secret, 'per-host-secret');
    assert.deepEqual(t2.helperState('fake'), {});
  });

  void it('erases from the helper or from auths, keeping the rest', async () => {
    const t = setup({ auths: { 'a.example': { auth: basic('a', 'sa') }, 'https://a.example': { auth: basic('a', 'sb') }, 'b.example': { auth: basic('b', 'sc') } } });
    const erased = await t.store.erase('a.example');
    assert.equal(erased?.kind, 'config');
    const auths = (JSON.parse(readFileSync(path.join(t.dir, 'config.json'), 'utf8')) as { auths: object }).auths;
    assert.deepEqual(Object.keys(auths), ['b.example']);
    assert.equal(await t.store.erase('a.example'), undefined);

    const h = setup({ credsStore: 'fake' });
    seedHelper('fake', { 'r.example': { Username: 'u', Secret: 'to-erase' } });
    assert.equal((await h.store.erase('r.example'))?.description, 'docker-credential-fake');
    assert.deepEqual(h.helperState('fake'), {});
    for (const call of h.argvLog()) assert.deepEqual(call.argv, ['erase']);
  });

  void it('lists hosts from auths, credHelpers and the helper', async () => {
    const t = setup({ credsStore: 'fake', credHelpers: { 'gcr.io': 'gcloud' }, auths: { [DOCKER_HUB_AUTH_KEY]: {}, 'https://r.example:5000': { auth: basic('a', 'b') } } });
    seedHelper('fake', { 'ghcr.io': { Username: 'x', Secret: 'y' } });
    assert.deepEqual(await t.store.listHosts(), ['gcr.io', 'ghcr.io', 'index.docker.io', 'r.example:5000']);
    assert.deepEqual(t.argvLog(), [{ name: 'fake', argv: ['list'] }]);
  });
});

void describe('EnvironmentCredentialSource', () => {
  void it('names variables after the slug', () => {
    assert.deepEqual(environmentVariableNames('acme-ghcr'), {
      host: 'REPLICATED_REGISTRIES_ACME_GHCR_HOST',
      username: 'REPLICATED_REGISTRIES_ACME_GHCR_USERNAME',
      password: 'REPLICATED_REGISTRIES_ACME_GHCR_PASSWORD',
    });
    assert.equal(environmentVariableNames('127.0.0.1:5000').password, 'REPLICATED_REGISTRIES_127_0_0_1_5000_PASSWORD');
  });

  void it('reads username and password, falling back to the entry’s or the provider’s username', async () => {
    const source = new EnvironmentCredentialSource({
      REPLICATED_REGISTRIES_ACME_HOST: 'r.example',
      REPLICATED_REGISTRIES_ACME_USERNAME: 'ci-bot',
      REPLICATED_REGISTRIES_ACME_PASSWORD: 'env-secret-1',
      REPLICATED_REGISTRIES_GHCR_HOST: 'ghcr.io',
      REPLICATED_REGISTRIES_GHCR_PASSWORD: 'env-secret-2',
      REPLICATED_REGISTRIES_GCR_HOST: 'gcr.io',
      REPLICATED_REGISTRIES_GCR_PASSWORD: '{"type":"service_account"}',
      REPLICATED_REGISTRIES_LONELY_HOST: 'r.example',
      REPLICATED_REGISTRIES_LONELY_PASSWORD: 'env-secret-3',
    });
    assert.deepEqual(await source.get({ slug: 'acme', endpoint: 'r.example', provider: 'other' }), { username: 'ci-bot', secret: 'env-secret-1', origin: 'environment' });
    assert.equal((await source.get({ slug: 'ghcr', endpoint: 'ghcr.io', provider: 'ghcr', username: 'acme-bot' }))?.username, 'acme-bot');
    assert.equal((await source.get({ slug: 'gcr', endpoint: 'gcr.io', provider: 'gcr', authType: 'serviceaccount' }))?.username, '_json_key');
    assert.equal(await source.get({ slug: 'absent', endpoint: 'r.example', provider: 'other' }), undefined);
    await assert.rejects(source.get({ slug: 'lonely', endpoint: 'r.example', provider: 'other' }), (err: unknown) => {
      assert.match((err as Error).message, /REPLICATED_REGISTRIES_LONELY_PASSWORD is set but REPLICATED_REGISTRIES_LONELY_USERNAME is not/);
      assert.doesNotMatch((err as Error).message, /env-secret-3/);
      return true;
    });
    assert.equal(redact('env-secret-1'), '****');
  });
});

void describe('credentials are bound to the host they were given for', () => {
  const env = { REPLICATED_REGISTRIES_LAB_USERNAME: 'ci', REPLICATED_REGISTRIES_LAB_PASSWORD: 'lab-secret-77' };

  void it('normalises hosts the way Docker matches them', () => {
    assert.equal(credentialHost('HTTPS://Registry.Example.com:443/v2/'), 'registry.example.com');
    assert.equal(credentialHost('registry.example.com:80'), 'registry.example.com');
    assert.equal(credentialHost('user:pw@registry.example.com.'), 'registry.example.com');
    for (const hub of ['docker.io', 'index.docker.io', 'registry-1.docker.io', 'https://index.docker.io/v1/']) assert.equal(credentialHost(hub), 'docker.io');
    assert.ok(sameCredentialHost('registry.example.com:5000', 'REGISTRY.example.com:5000'));
    assert.ok(!sameCredentialHost('registry.example.com:5000', 'registry.example.com:5001'), 'another port is another registry');
    assert.ok(!sameCredentialHost('registry.example.com', '127.0.0.2'));
    assert.ok(!sameCredentialHost('', ''));
  });

  void it('the environment: used only where REPLICATED_REGISTRIES_<SLUG>_HOST says', async () => {
    const bound = new EnvironmentCredentialSource({ ...env, REPLICATED_REGISTRIES_LAB_HOST: 'registry.lab.example:5000' });
    assert.equal((await bound.get({ slug: 'lab', endpoint: 'Registry.Lab.Example:5000', provider: 'other' }))?.secret, 'lab-secret-77');
    await assert.rejects(bound.get({ slug: 'lab', endpoint: '127.0.0.2:5000', provider: 'other' }), (err: unknown) => {
      assert.ok(err instanceof CredentialsWithheldError);
      assert.match(err.message, /the credentials for "lab" were given for registry\.lab\.example:5000 \(REPLICATED_REGISTRIES_LAB_HOST\), but the registries file now says 127\.0\.0\.2:5000; they were not sent/);
      assert.doesNotMatch(err.message, /lab-secret-77/);
      return true;
    });
    const unbound = new EnvironmentCredentialSource(env);
    await assert.rejects(unbound.get({ slug: 'lab', endpoint: 'registry.lab.example:5000', provider: 'other' }), (err: unknown) => {
      assert.ok(err instanceof CredentialsWithheldError);
      assert.match(err.message, /REPLICATED_REGISTRIES_LAB_PASSWORD is set but not bound to a host, so it is not used: set REPLICATED_REGISTRIES_LAB_HOST/);
      return true;
    });
  });

  void it('the Docker store: found by the endpoint host, never by provider', async () => {
    const t = setup({ auths: { [DOCKER_HUB_AUTH_KEY]: { auth: basic('hubuser', 'hub-secret-5') } } });
    assert.equal((await t.store.get({ slug: 'hub', endpoint: 'index.docker.io', provider: 'dockerhub' }))?.username, 'hubuser');
    assert.equal(await t.store.get({ slug: 'hub', endpoint: '127.0.0.2:5000', provider: 'dockerhub' }), undefined, 'a dockerhub entry pointing elsewhere gets no Docker Hub login');
  });

  void it('a chain: a withholding does not hide a later source, and is what is thrown when none has credentials', async () => {
    const withholding: CredentialSource = { name: 'environment', get: () => Promise.reject(new CredentialsWithheldError('bound elsewhere')) };
    const found: CredentialSource = { name: 'docker-config', get: () => Promise.resolve({ username: 'u', secret: 'from-docker-1' }) };
    const empty: CredentialSource = { name: 'docker-config', get: () => Promise.resolve(undefined) };
    assert.equal((await chainCredentialSources([withholding, found]).get({ slug: 'x', endpoint: 'x.example', provider: 'other' }))?.secret, 'from-docker-1');
    await assert.rejects(chainCredentialSources([empty, withholding]).get({ slug: 'x', endpoint: 'x.example', provider: 'other' }), /bound elsewhere/);
  });
});

void describe('the credential gate', () => {
  const entry: RegistryEntry = { slug: 'lab', provider: 'other', endpoint: 'registry.lab.example:5000', authType: 'password' };
  const credentials = { username: 'ci', secret: 'gate-secret-1' };
  const lookup = (): Promise<typeof credentials> => Promise.resolve(credentials);
  const none = cliInsecureConsent([], {});

  void it('passes credentials for a sound entry', async () => {
    assert.deepEqual(await credentialsForEntry(entry, lookup, none), { credentials });
    assert.deepEqual(await credentialsForEntry(entry, () => Promise.resolve(undefined), none), {});
  });

  void it('never for an entry with an error in the registries file', async () => {
    let asked = false;
    const answer = await credentialsForEntry({ ...entry, problem: 'line 4: endpoint `x` is not a Docker Hub host' }, () => ((asked = true), lookup()), none);
    assert.equal(answer.credentials, undefined);
    assert.match(answer.withheld ?? '', /registry "lab" has an error in the registries file \(line 4: endpoint `x` is not a Docker Hub host\), so no credentials are used for it until it is fixed/);
    assert.equal(asked, false, 'no credential source is even asked');
  });

  void it('plainHttp / insecureSkipTLSVerify only once allowed for that host on this machine', async () => {
    const plain = await credentialsForEntry({ ...entry, plainHttp: true }, lookup, none);
    assert.equal(plain.credentials, undefined);
    assert.match(plain.withheld ?? '', /sets `plainHttp: true` for "lab", which would send your credentials for registry\.lab\.example:5000 unencrypted, over plain HTTP; they were not used\. If registry\.lab\.example:5000 is yours and you accept that, allow it on this machine: pass --allow-insecure registry\.lab\.example:5000 \(in CI: REPLICATED_REGISTRIES_ALLOW_INSECURE=registry\.lab\.example:5000\)/);
    const skip = await credentialsForEntry({ ...entry, insecureSkipTLSVerify: true }, lookup, none);
    assert.match(skip.withheld ?? '', /to a server whose TLS certificate is not verified/);
    assert.deepEqual(await credentialsForEntry({ ...entry, plainHttp: true }, lookup, cliInsecureConsent(['Registry.Lab.Example:5000'], {})), { credentials });
    assert.deepEqual(await credentialsForEntry({ ...entry, insecureSkipTLSVerify: true }, lookup, cliInsecureConsent([], { REPLICATED_REGISTRIES_ALLOW_INSECURE: 'other.example, registry.lab.example:5000' })), { credentials });
    assert.deepEqual(await credentialsForEntry({ ...entry, plainHttp: true }, () => Promise.resolve(undefined), none), {}, 'nothing to protect: no withholding');
  });

  void it('a source that withholds becomes the answer, with its reason', async () => {
    const answer = await credentialsForEntry(entry, () => Promise.reject(new CredentialsWithheldError('given for another host')), none);
    assert.deepEqual(answer, { withheld: 'given for another host' });
  });
});
