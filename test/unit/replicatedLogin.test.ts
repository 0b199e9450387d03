/**
 * Finding the vendor portal as the `replicated` CLI finds it (store/portal/replicatedLogin.ts), on files
 * written the way `replicated login` and `replicated profile add` write them (pkg/credentials).
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import {
  appFromDotReplicated,
  describeTokenSource,
  profileOrigin,
  replicatedConfigPath,
  ReplicatedLoginError,
  resolveApiToken,
  resolveApp,
  summarizeReplicatedConfig,
} from '../../server/src/store/portal/replicatedLogin';
import { registriesMatching } from '../../server/src/store/registryName';
import { fromVendor, portalAuthType, portalTypesLimit, shownTypes, verdictFromPortalStatus } from '../../server/src/store/portal/portalStore';

const roots: string[] = [];
after(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

function home(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'rr-replicated-login-'));
  roots.push(dir);
  return dir;
}

function write(file: string, content: string): string {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, content, { mode: 0o600 });
  return file;
}

const xdgFile = (h: string): string => path.join(h, '.config', 'replicated', 'config.yaml');
const legacyFile = (h: string): string => path.join(h, '.replicated', 'config.yaml');

void describe('the replicated CLI file', () => {
  void it('is ~/.replicated/config.yaml when it exists, else the XDG config home per platform', () => {
    const h = home();
    assert.equal(replicatedConfigPath({ HOME: h }, 'linux'), xdgFile(h));
    assert.equal(replicatedConfigPath({ HOME: h, XDG_CONFIG_HOME: '/x/cfg' }, 'linux'), '/x/cfg/replicated/config.yaml');
    assert.equal(replicatedConfigPath({ HOME: h, XDG_CONFIG_HOME: 'relative' }, 'linux'), xdgFile(h), 'a relative XDG_CONFIG_HOME is ignored');
    assert.equal(replicatedConfigPath({ HOME: h }, 'darwin'), path.join(h, 'Library', 'Application Support', 'replicated', 'config.yaml'));
    assert.equal(replicatedConfigPath({ HOME: h, LOCALAPPDATA: '/w/Local' }, 'win32'), path.join('/w/Local', 'replicated', 'config.yaml'));
    write(legacyFile(h), '{"token":"t"}');
    assert.equal(replicatedConfigPath({ HOME: h, XDG_CONFIG_HOME: '/x/cfg' }, 'linux'), legacyFile(h));
  });

  void it('summarizes profiles and the login without their tokens', () => {
    const h = home();
    write(xdgFile(h), JSON.stringify({ token: 'rr-login-tok', profiles: { prod: { apiToken: 'rr-prod-tok' }, dev: { apiToken: '', namespace: 'jane' } }, defaultProfile: 'prod' }));
    const summary = summarizeReplicatedConfig({ HOME: h }, 'linux');
    assert.deepEqual(summary, { path: xdgFile(h), profiles: [{ name: 'prod', hasToken: true }, { name: 'dev', hasToken: false, namespace: 'jane' }], defaultProfile: 'prod', hasLoginToken: true });
    assert.doesNotMatch(JSON.stringify(summary), /rr-.*-tok/);
    assert.equal(summarizeReplicatedConfig({ HOME: home() }, 'linux'), undefined, 'no file: nothing');
  });
});

void describe('the API token, in the replicated CLI order', () => {
  const h = home();
  write(xdgFile(h), JSON.stringify({ token: 'rr-login-tok', profiles: { prod: { apiToken: 'rr-prod-tok', apiOrigin: 'https://vendor.example/api/' }, dev: { apiToken: 'rr-dev-tok', namespace: 'jane' }, empty: { apiToken: '' } }, defaultProfile: 'prod' }));
  const env = { HOME: h, REPLICATED_API_ORIGIN: 'http://127.0.0.1:9' };

  void it('--token first, then REPLICATED_API_TOKEN (even over --profile, as `replicated` does, and says so)', () => {
    assert.deepEqual(resolveApiToken({ flagToken: 'rr-flag', profile: 'dev', env: { ...env, REPLICATED_API_TOKEN: 'rr-env' } }), { token: 'rr-flag', origin: 'http://127.0.0.1:9', source: 'flag' });
    assert.deepEqual(resolveApiToken({ profile: 'dev', env: { ...env, REPLICATED_API_TOKEN: 'rr-env' } }), { token: 'rr-env', origin: 'http://127.0.0.1:9', source: 'environment', overrodeProfile: 'dev' });
  });

  void it('then --profile, else the default profile, each sent only to its own origin', () => {
    assert.deepEqual(resolveApiToken({ env }), { token: 'rr-prod-tok', origin: 'https://vendor.example/api', source: 'profile', profile: 'prod', file: xdgFile(h) });
    assert.deepEqual(resolveApiToken({ profile: 'dev', env }), { token: 'rr-dev-tok', origin: 'https://vendor-api-jane.okteto.repldev.com', source: 'profile', profile: 'dev', file: xdgFile(h) });
    assert.equal(profileOrigin({}), 'https://api.replicated.com/vendor', 'no origin in the profile: the default, not REPLICATED_API_ORIGIN');
  });

  void it('then the token `replicated login` wrote (with REPLICATED_API_ORIGIN)', () => {
    const login = home();
    write(legacyFile(login), JSON.stringify({ token: 'rr-login-only' }));
    const choice = resolveApiToken({ env: { HOME: login, REPLICATED_API_ORIGIN: 'http://127.0.0.1:9' } });
    assert.deepEqual(choice, { token: 'rr-login-only', origin: 'http://127.0.0.1:9', source: 'login', file: legacyFile(login) });
    assert.equal(describeTokenSource(choice), `the replicated CLI's login (${legacyFile(login)})`);
    assert.equal(resolveApiToken({ env: { HOME: home() } }), undefined, 'nothing anywhere: no portal');
  });

  void it('a named profile that is missing, or has no token, is an error that says what to run (no silent fallback)', () => {
    assert.throws(() => resolveApiToken({ profile: 'nope', env }), (err: unknown) => err instanceof ReplicatedLoginError && /no profile "nope" in .* \(profiles: prod, dev, empty\); run `replicated profile add nope`/.test(err.message));
    assert.throws(() => resolveApiToken({ profile: 'empty', env }), /profile "empty" in .* has no API token/);
    assert.throws(() => resolveApiToken({ profile: 'x', env: { HOME: home() } }), /profile "x": there is no replicated CLI login on this machine/);
  });

  void it('a file that is not the JSON the CLI writes is an error, never a guess; the file is only read', () => {
    const broken = home();
    const file = write(xdgFile(broken), 'token: rr-yaml-tok\n');
    const before = statSync(file).mtimeMs;
    assert.throws(() => resolveApiToken({ env: { HOME: broken } }), /is not the JSON the replicated CLI writes; run `replicated login` again/);
    assert.equal(readFileSync(file, 'utf8'), 'token: rr-yaml-tok\n');
    assert.equal(statSync(file).mtimeMs, before);
    write(xdgFile(broken), '[1,2]');
    assert.throws(() => resolveApiToken({ env: { HOME: broken } }), /is not the JSON object/);
  });
});

void describe('the app, in the replicated CLI order', () => {
  void it('--app, REPLICATED_APP, then the nearest .replicated / .replicated.yaml (appSlug, else appId)', () => {
    const root = home();
    const deep = path.join(root, 'a', 'b', 'c');
    mkdirSync(deep, { recursive: true });
    write(path.join(root, '.replicated.yaml'), 'appId: 2abcAppId\n');
    write(path.join(root, 'a', '.replicated'), 'appSlug: inner-app\nreplLint:\n  version: 1\n');
    assert.deepEqual(resolveApp('flag-app', { REPLICATED_APP: 'env-app' }, deep), { app: 'flag-app', from: '--app' });
    assert.deepEqual(resolveApp(undefined, { REPLICATED_APP: 'env-app' }, deep), { app: 'env-app', from: 'REPLICATED_APP' });
    assert.deepEqual(resolveApp(undefined, {}, deep), { app: 'inner-app', from: path.join(root, 'a', '.replicated') });
    assert.deepEqual(appFromDotReplicated(root), { app: '2abcAppId', from: path.join(root, '.replicated.yaml') });
    write(path.join(root, 'a', 'b', '.replicated'), 'appSlug: [unclosed\n');
    assert.equal(appFromDotReplicated(deep), undefined, 'a broken file resolves no app, as in `replicated`');
  });
});

void describe('the portal as the replicated CLI speaks to it', () => {
  void it('ls NAME matches a substring of slug or endpoint (ls ghcr lists ghcr.io)', () => {
    const entries = [
      { slug: 'ghcr.io', endpoint: 'ghcr.io' },
      { slug: 'acme-ghcr', endpoint: 'ghcr.io' },
      { slug: 'lab', endpoint: 'registry.lab.example:5000' },
    ];
    assert.deepEqual(registriesMatching(entries, 'ghcr').map((e) => e.slug), ['ghcr.io', 'acme-ghcr']);
    assert.deepEqual(registriesMatching(entries, 'lab.example').map((e) => e.slug), ['lab']);
    assert.deepEqual(registriesMatching(entries, 'quay'), []);
  });

  void it('other registries go to the portal as password; a token is mapped and said so', () => {
    assert.deepEqual(portalAuthType({ provider: 'other', authType: 'token' }), { authType: 'password', mapped: true });
    assert.deepEqual(portalAuthType({ provider: 'other', authType: 'password' }), { authType: 'password', mapped: false });
    assert.deepEqual(portalAuthType({ provider: 'dockerhub', authType: 'token' }), { authType: 'token', mapped: false });
  });

  void it('unknown providers and auth types are kept as the portal names them, with what the pull check can and cannot do', () => {
    const nexus = fromVendor({ provider: 'nexus', endpoint: 'nexus.example', slug: 'nexus', authType: 'password', username: 'ci' });
    assert.deepEqual(nexus.portalTypes, { provider: 'nexus' });
    assert.deepEqual(shownTypes(nexus), { provider: 'nexus', authType: 'password' });
    const role = fromVendor({ provider: 'ecr', endpoint: '1.dkr.ecr.us-east-1.amazonaws.com', slug: 'role', authType: 'iamrole', username: 'arn:aws:iam::1:role/pull' });
    assert.deepEqual([role.provider, role.authType, role.portalTypes], ['ecr', 'password', { authType: 'iamrole' }]);
    assert.match(portalTypesLimit(role) ?? '', /auth type "iamrole", which this tool cannot log in as: here it checks that .* is connected .* whether the portal's login can pull it only Replicated's test tells/);
    const known = fromVendor({ provider: 'ghcr', endpoint: 'ghcr.io', slug: 'g', authType: 'token' });
    assert.equal(known.portalTypes, undefined);
    assert.equal(portalTypesLimit(known), undefined);
  });

  void it("a 404 from the portal's test is manifest-unknown (missing or not pullable), never tag-not-found", () => {
    const result = verdictFromPortalStatus(404, 'r.example/a:1', 3);
    assert.equal(result.verdict, 'manifest-unknown');
    assert.match(result.message, /does not exist or the saved credentials cannot pull it/);
    assert.equal(verdictFromPortalStatus(200, 'r.example/a:1', 3).verdict, 'ok');
  });
});
