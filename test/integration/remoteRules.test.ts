/**
 * The remote rules against a real `docker-registry` with token auth (test/harness): tag-not-found,
 * repository-not-found, pull-denied, unauthorized, public images seen through an anonymous check, and a
 * registry that is down — all through analyzeFile with the real RegistryClient, no mocked HTTP.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { main } from '../../server/src/cli/main';
import type { LintResult } from '../../server/src/cli/commands/lint';
import { analyzeFile } from '../../server/src/analysis/analyzeFile';
import type { Finding } from '../../server/src/findings/types';
import type { ReleaseEnvironment } from '../../server/src/release/release';
import { RegistryClient } from '../../server/src/registry/registryClient';
import type { Credentials, RegistryEntry } from '../../server/src/registry/types';
import { emptyRegistriesConfig } from '../../server/src/store/types';
import { findFreePort, pushImage, startHtpasswdRegistry, startTokenRegistry, type TokenRegistry } from '../harness';

// Test-only throwaway passwords.
const READER: Credentials = { username: 'reader', secret: 'reader-Pa55-not-real' };
const OUTSIDER: Credentials = { username: 'outsider', secret: 'outsider-Pa55-not-real' };
const WRONG: Credentials = { username: 'reader', secret: 'wrong-Pa55-not-real' };
const TIMEOUTS = { connectMs: 3000, headersMs: 5000, bodyMs: 5000, overallMs: 15_000 };

let registry: TokenRegistry;
let client: RegistryClient;
let entry: RegistryEntry;

function pod(images: string[]): string {
  return `apiVersion: v1\nkind: Pod\nspec:\n  containers:\n${images.map((image, i) => `    - name: c${i}\n      image: ${image}\n`).join('')}`;
}

function environment(credentials: Credentials | undefined, connected = true): ReleaseEnvironment {
  return {
    config: { ...emptyRegistriesConfig(), app: 'acme', registries: connected ? [entry] : [] },
    offline: false,
    registryClient: client,
    credentialsFor: () => Promise.resolve(credentials ? { credentials } : {}),
  };
}

async function findingsFor(images: string[], env: ReleaseEnvironment): Promise<Array<[string, string, string]>> {
  const text = pod(images);
  const findings: Finding[] = await analyzeFile({ text, path: 'pod.yaml' }, env);
  for (const finding of findings) {
    for (const secret of [READER.secret, OUTSIDER.secret, WRONG.secret]) assert.ok(!finding.message.includes(secret), 'no secret in a finding');
  }
  return findings.map((finding) => [finding.code, finding.severity, finding.reference]);
}

void describe('remote rules against a real token-auth registry', () => {
  before(async () => {
    registry = await startTokenRegistry({
      users: { reader: { password: READER.secret, pull: ['team/*'] }, outsider: { password: OUTSIDER.secret, pull: ['elsewhere/*'] } },
      anonymousPull: ['public/*'],
    });
    await pushImage(registry, { repository: 'team/app', tag: 'v1', format: 'oci', username: registry.admin.username, password: registry.admin.password });
    await pushImage(registry, { repository: 'public/tool', tag: 'v1', format: 'docker-v2', username: registry.admin.username, password: registry.admin.password });
    entry = { slug: 'local', provider: 'other', endpoint: registry.host, authType: 'password', username: READER.username, plainHttp: true };
    client = new RegistryClient({ timeouts: TIMEOUTS, cacheTtlMs: 0 });
  });
  after(async () => {
    await client?.close();
    await registry?.stop();
  });

  void test('an image the credentials can pull: no finding', async () => {
    assert.deepEqual(await findingsFor([`${registry.host}/team/app:v1`], environment(READER)), []);
  });

  void test('tag-not-found and repository-not-found, as errors', async () => {
    const host = registry.host;
    assert.deepEqual(await findingsFor([`${host}/team/app:v9-missing`, `${host}/team/nothing-here:v1`], environment(READER)), [
      ['tag-not-found', 'error', `${host}/team/app:v9-missing`],
      ['repository-not-found', 'error', `${host}/team/nothing-here:v1`],
    ]);
  });

  void test('credentials without pull access: pull-denied', async () => {
    assert.deepEqual(await findingsFor([`${registry.host}/team/app:v1`], environment(OUTSIDER)), [['pull-denied', 'error', `${registry.host}/team/app:v1`]]);
  });

  void test('rejected credentials: unauthorized', async () => {
    assert.deepEqual(await findingsFor([`${registry.host}/team/app:v1`], environment(WRONG)), [['unauthorized', 'error', `${registry.host}/team/app:v1`]]);
  });

  void test('not connected: public images (anonymous pull works) get no finding; private ones are registry-not-connected', async () => {
    const host = registry.host;
    assert.deepEqual(await findingsFor([`${host}/public/tool:v1`, `${host}/team/app:v1`, `${host}/public/tool:v2-missing`], environment(undefined, false)), [
      ['registry-not-connected', 'warning', `${host}/team/app:v1`],
      ['tag-not-found', 'error', `${host}/public/tool:v2-missing`],
    ]);
  });

  void test('a registry that is down never becomes a "not found": info only', async () => {
    const downHost = `127.0.0.1:${await findFreePort()}`;
    const down: RegistryEntry = { ...entry, slug: 'down', endpoint: downHost };
    const env = environment(READER);
    env.config.registries.push(down);
    assert.deepEqual(await findingsFor([`${downHost}/team/app:v1`], env), [['pull-check-failed', 'info', `${downHost}/team/app:v1`]]);
    assert.deepEqual(await findingsFor([`${downHost}/team/app:v1`], environment(undefined, false)), [['registry-not-connected', 'info', `${downHost}/team/app:v1`]]);
  });

  void test('lint (online) takes credentials from the environment and reports what the registry says', async () => {
    const workspace = await mkdtemp(path.join(os.tmpdir(), 'rr-remote-lint-'));
    try {
      const host = registry.host;
      await writeFile(path.join(workspace, '.replicated-registries.yaml'), `app: acme\nregistries:\n  - slug: local\n    provider: other\n    endpoint: "${host}"\n    authType: password\n    username: reader\n    plainHttp: true\n`);
      await writeFile(path.join(workspace, 'pod.yaml'), pod([`${host}/team/app:v1`, `${host}/team/app:v9-missing`]));
      const stdout = new PassThrough();
      let out = '';
      stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
      const stderr = new PassThrough();
      let err = '';
      stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
      // The secret reaches lint only through the environment, never an argument; it is bound to the registry's
      // host, and the file's plainHttp may be used with it because this machine says so.
      const env = {
        PATH: process.env.PATH,
        DOCKER_CONFIG: path.join(workspace, '.docker'),
        REPLICATED_REGISTRIES_LOCAL_HOST: host,
        REPLICATED_REGISTRIES_LOCAL_PASSWORD: READER.secret,
        REPLICATED_REGISTRIES_ALLOW_INSECURE: host,
      };
      const code = await main(['lint', '--format', 'json'], { stdout, stderr, stdin: new PassThrough(), env, cwd: workspace });
      const results = JSON.parse(out) as LintResult[];
      assert.deepEqual(results.map((result) => [result.file, result.line, result.code, result.severity]), [['pod.yaml', 8, 'tag-not-found', 'error']], err);
      assert.equal(code, 1);
      assert.ok(!out.includes(READER.secret) && !err.includes(READER.secret));
    } finally {
      await rm(workspace, { recursive: true, force: true });
    }
  });
});

void describe('an unconnected registry on a loopback address, as Docker reaches it', () => {
  let tlsRegistry: Awaited<ReturnType<typeof startHtpasswdRegistry>>;
  let plainRegistry: Awaited<ReturnType<typeof startHtpasswdRegistry>>;
  const looseClient = new RegistryClient({ cacheTtlMs: 0, timeouts: TIMEOUTS });
  const unconnected: ReleaseEnvironment = { config: emptyRegistriesConfig(), offline: false, registryClient: looseClient, credentialsFor: () => Promise.resolve({}) };

  before(async () => {
    tlsRegistry = await startHtpasswdRegistry({ tls: true, users: { u: 'loopback-Pa55-not-real' } });
    plainRegistry = await startHtpasswdRegistry({ tls: false, users: { u: 'loopback-Pa55-not-real' } });
  });
  after(async () => {
    await looseClient.close();
    await tlsRegistry?.stop();
    await plainRegistry?.stop();
  });

  void test('HTTPS is tried first (a TLS registry is not "unexpected HTTP 400"), then plain HTTP, and the finding says which one answered', async () => {
    const overTls = await analyzeFile({ text: pod([`${tlsRegistry.host}/acme/app:1`]), path: 'pod.yaml' }, unconnected);
    const tlsFinding = overTls.find((finding) => finding.code === 'registry-not-connected');
    assert.equal(tlsFinding?.severity, 'warning', JSON.stringify(overTls));
    assert.match(tlsFinding?.message ?? '', /anonymous pull over HTTPS: unauthorized/);
    assert.doesNotMatch(tlsFinding?.message ?? '', /HTTP 400/);
    const overHttp = await analyzeFile({ text: pod([`${plainRegistry.host}/acme/app:1`]), path: 'pod.yaml' }, unconnected);
    const httpFinding = overHttp.find((finding) => finding.code === 'registry-not-connected');
    assert.equal(httpFinding?.severity, 'warning', JSON.stringify(overHttp));
    assert.match(httpFinding?.message ?? '', /anonymous pull over plain HTTP, not HTTPS: unauthorized/);
  });
});
