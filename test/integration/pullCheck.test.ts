/**
 * The pull check against real `docker-registry` processes (see test/harness): every verdict a vendor can
 * meet, produced by a real registry, token server, TLS handshake or injected fault — no mocked HTTP.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { RegistryClient, type RegistryClientOptions } from '../../server/src/registry/registryClient';
import type { ConnectionSettings, PullCheckResult } from '../../server/src/registry/types';
import {
  assertToolsInstalled,
  findFreePort,
  pushImage,
  startEcrStandIn,
  startFaultProxy,
  startHtpasswdRegistry,
  startTokenRegistry,
  type ImageFormat,
  type PushedImage,
  type RunningFaultProxy,
  type RunningRegistry,
  type TokenRegistry,
} from '../harness';

// Test-only throwaway passwords; every result is also checked not to echo them.
const ALICE = { username: 'alice', secret: 'alice-Pa55-not-real' };
const READER = { username: 'reader', secret: 'reader-Pa55-not-real' };
const OUTSIDER = { username: 'outsider', secret: 'outsider-Pa55-not-real' };
const ALL_SECRETS = [ALICE.secret, READER.secret, OUTSIDER.secret, 'wrong-Pa55-not-real', 'ecr-registry-Pa55', 'ecr-Secret-Key-not-real'];

/** Generous but finite: a check that hangs fails the test instead of stalling the suite. */
const TIMEOUTS = { connectMs: 3000, headersMs: 5000, bodyMs: 5000, overallMs: 15_000 };

const clients: RegistryClient[] = [];
function newClient(options: RegistryClientOptions = {}): RegistryClient {
  const client = new RegistryClient({ timeouts: TIMEOUTS, ...options });
  clients.push(client);
  return client;
}

function assertNoSecret(result: PullCheckResult): void {
  const text = JSON.stringify(result);
  for (const secret of ALL_SECRETS) assert.ok(!text.includes(secret), `the result must not contain a secret: ${text}`);
}

/** Runs a check and explains the whole result when the verdict is not the expected one. */
async function expectVerdict(
  client: RegistryClient,
  conn: ConnectionSettings,
  credentials: { username: string; secret: string } | undefined,
  image: { repository: string; reference: string },
  verdict: PullCheckResult['verdict'],
  options: { noCache?: boolean } = {},
): Promise<PullCheckResult> {
  const result = await client.checkPull(conn, credentials, image, options);
  assertNoSecret(result);
  assert.equal(result.verdict, verdict, `expected ${verdict} for ${image.repository}:${image.reference}, got ${JSON.stringify(result)}`);
  assert.ok(result.message.trim().length > 0, 'every verdict says what happened');
  if (verdict !== 'ok') assert.ok(result.hint?.trim(), `a failed check says what to do next: ${JSON.stringify(result)}`);
  return result;
}

assertToolsInstalled();

after(async () => {
  for (const client of clients) await client.close();
});

void describe('htpasswd registry over TLS with a self-signed CA', () => {
  let registry: RunningRegistry;
  let tls: ConnectionSettings;
  const pushed = new Map<ImageFormat, PushedImage>();
  const repositoryOf = (format: ImageFormat): string => `acme/${format}`;

  before(async () => {
    registry = await startHtpasswdRegistry({ tls: true, users: { [ALICE.username]: ALICE.secret } });
    tls = { provider: 'other', endpoint: registry.host, caFile: registry.caFile };
    for (const format of ['oci', 'docker-v2', 'index'] as const) {
      pushed.set(format, await pushImage(registry, { repository: repositoryOf(format), tag: '1.0', format, username: ALICE.username, password: ALICE.secret }));
    }
  });
  after(async () => {
    await registry?.stop();
  });

  for (const format of ['oci', 'docker-v2', 'index'] as const) {
    void test(`ok by tag and by digest: ${format}`, async () => {
      const image = pushed.get(format);
      assert.ok(image);
      const client = newClient();
      const byTag = await expectVerdict(client, tls, ALICE, { repository: repositoryOf(format), reference: '1.0' }, 'ok');
      assert.equal(byTag.digest, image.digest);
      assert.equal(byTag.mediaType, image.mediaType);
      const byDigest = await expectVerdict(client, tls, ALICE, { repository: repositoryOf(format), reference: image.digest }, 'ok');
      assert.equal(byDigest.digest, image.digest);
      assert.equal(byDigest.mediaType, image.mediaType);
    });
  }

  void test('without the CA file the certificate is not trusted: tls-untrusted', async () => {
    const { caFile: _caFile, ...withoutCa } = tls;
    await expectVerdict(newClient(), withoutCa, ALICE, { repository: 'acme/oci', reference: '1.0' }, 'tls-untrusted');
  });

  void test('wrong password: unauthorized', async () => {
    const result = await expectVerdict(newClient(), tls, { username: ALICE.username, secret: 'wrong-Pa55-not-real' }, { repository: 'acme/oci', reference: '1.0' }, 'unauthorized');
    assert.equal(result.httpStatus, 401);
  });

  void test('missing repository: repository-not-found', async () => {
    await expectVerdict(newClient(), tls, ALICE, { repository: 'acme/does-not-exist', reference: '1.0' }, 'repository-not-found');
  });

  void test('missing tag: tag-not-found', async () => {
    const result = await expectVerdict(newClient(), tls, ALICE, { repository: 'acme/oci', reference: 'no-such-tag' }, 'tag-not-found');
    assert.equal(result.httpStatus, 404);
  });

  void test('missing digest in an existing repository: tag-not-found', async () => {
    const absent = `sha256:${'0'.repeat(64)}`;
    await expectVerdict(newClient(), tls, ALICE, { repository: 'acme/oci', reference: absent }, 'tag-not-found');
  });

  void describe('through the fault proxy', () => {
    let proxies: RunningFaultProxy[] = [];
    const viaProxy = (proxy: RunningFaultProxy): ConnectionSettings => ({ provider: 'other', endpoint: proxy.host, plainHttp: true });
    after(async () => {
      for (const proxy of proxies) await proxy.stop();
      proxies = [];
    });

    void test('the proxy in pass mode is transparent (control case)', async () => {
      const proxy = await startFaultProxy(registry, { kind: 'pass' });
      proxies.push(proxy);
      await expectVerdict(newClient(), viaProxy(proxy), ALICE, { repository: 'acme/oci', reference: '1.0' }, 'ok');
    });

    void test('a registry that never answers: timeout, within the deadline', async () => {
      const proxy = await startFaultProxy(registry, { kind: 'hang' });
      proxies.push(proxy);
      const client = newClient({ timeouts: { connectMs: 1000, headersMs: 400, bodyMs: 400, overallMs: 1500 } });
      const started = Date.now();
      await expectVerdict(client, viaProxy(proxy), ALICE, { repository: 'acme/oci', reference: '1.0' }, 'timeout');
      assert.ok(Date.now() - started < 5000, `the check gave up after ${Date.now() - started} ms; the overall deadline was 1500 ms`);
      assert.ok(proxy.requests.length >= 1, 'the request reached the silent registry');
    });

    void test('429 with Retry-After: rate-limited with retryAfterSeconds', async () => {
      const proxy = await startFaultProxy(registry, { kind: 'status', status: 429, retryAfter: '17', headers: { 'RateLimit-Limit': '100;w=21600', 'RateLimit-Remaining': '0;w=21600' }, only: 'manifests' });
      proxies.push(proxy);
      const result = await expectVerdict(newClient(), viaProxy(proxy), ALICE, { repository: 'acme/oci', reference: '1.0' }, 'rate-limited');
      assert.equal(result.httpStatus, 429);
      assert.equal(result.rateLimit?.retryAfterSeconds, 17);
    });

    void test('503 on every request: not ok, and the message says the registry is unavailable', async () => {
      const proxy = await startFaultProxy(registry, { kind: 'status', status: 503, only: 'all' });
      proxies.push(proxy);
      const result = await newClient().checkPull(viaProxy(proxy), ALICE, { repository: 'acme/oci', reference: '1.0' });
      assertNoSecret(result);
      assert.ok(['protocol-error', 'unreachable'].includes(result.verdict), `503 gave ${JSON.stringify(result)}`);
      assert.equal(result.httpStatus, 503);
      assert.match(`${result.message} ${result.hint ?? ''}`, /503|unavailable/i);
      assert.ok(result.hint?.trim());
    });

    void test('a cross-host redirect of the manifest does not carry Authorization', async () => {
      // The second host is `localhost`, the first `127.0.0.1`: a different host name, as object storage would be.
      const secondHost = await startFaultProxy(registry, { kind: 'pass' });
      proxies.push(secondHost);
      const secondUrl = secondHost.url.replace('127.0.0.1', 'localhost');
      const firstHost = await startFaultProxy(registry, { kind: 'redirect-manifests-to', location: `${secondUrl}/` });
      proxies.push(firstHost);
      const result = await newClient().checkPull(viaProxy(firstHost), ALICE, { repository: 'acme/oci', reference: '1.0' });
      assertNoSecret(result);
      const firstManifestRequests = firstHost.requests.filter((r) => r.path.includes('/manifests/'));
      assert.ok(firstManifestRequests.some((r) => r.headers.authorization), 'control: the first host did get credentials');
      const followed = secondHost.requests.filter((r) => r.path.includes('/manifests/'));
      assert.ok(followed.length >= 1, `the client followed the redirect to the second host (result: ${JSON.stringify(result)})`);
      for (const request of secondHost.requests) {
        assert.equal(request.headers.authorization, undefined, `${request.method} ${request.path} at the second host carried Authorization`);
      }
    });
  });
});

void describe('token-auth registry', () => {
  let registry: TokenRegistry;
  let conn: ConnectionSettings;
  let pushed: PushedImage;

  before(async () => {
    registry = await startTokenRegistry({
      users: {
        [READER.username]: { password: READER.secret, pull: ['team/*'] },
        [OUTSIDER.username]: { password: OUTSIDER.secret, pull: ['elsewhere/*'] },
      },
      anonymousPull: ['public/*'],
    });
    conn = { provider: 'other', endpoint: registry.host, plainHttp: true };
    pushed = await pushImage(registry, { repository: 'team/app', tag: 'v1', format: 'oci', username: registry.admin.username, password: registry.admin.password });
    await pushImage(registry, { repository: 'public/tool', tag: 'v1', format: 'docker-v2', username: registry.admin.username, password: registry.admin.password });
  });
  after(async () => {
    await registry?.stop();
  });

  void test('cold check: 3 requests (ping, token, HEAD); warm check: 1 request', async () => {
    const client = newClient();
    const tokensBefore = registry.tokenServer.requests;
    const cold = await expectVerdict(client, conn, READER, { repository: 'team/app', reference: 'v1' }, 'ok');
    assert.equal(cold.digest, pushed.digest);
    assert.equal(cold.requests, 3, `cold: ${JSON.stringify(cold)}`);
    assert.equal(registry.tokenServer.requests - tokensBefore, 1, 'one token request');
    // noCache: measure the HTTP path with a cached token, not the client's result cache (which makes 0 requests).
    const warm = await expectVerdict(client, conn, READER, { repository: 'team/app', reference: 'v1' }, 'ok', { noCache: true });
    assert.equal(warm.requests, 1, `warm: ${JSON.stringify(warm)}`);
    assert.equal(registry.tokenServer.requests - tokensBefore, 1, 'the token was reused');
    assert.equal(client.requestCount, 4);
  });

  void test('wrong password: unauthorized (the token server says 401)', async () => {
    await expectVerdict(newClient(), conn, { username: READER.username, secret: 'wrong-Pa55-not-real' }, { repository: 'team/app', reference: 'v1' }, 'unauthorized');
  });

  void test('valid user without pull scope on the repository: denied', async () => {
    await expectVerdict(newClient(), conn, OUTSIDER, { repository: 'team/app', reference: 'v1' }, 'denied');
  });

  void test('missing repository inside the user scope: repository-not-found', async () => {
    await expectVerdict(newClient(), conn, READER, { repository: 'team/nothing-here', reference: 'v1' }, 'repository-not-found');
  });

  void test('missing tag: tag-not-found', async () => {
    await expectVerdict(newClient(), conn, READER, { repository: 'team/app', reference: 'v404' }, 'tag-not-found');
  });

  void test('anonymous check of a public repository: ok, marked anonymous', async () => {
    const result = await expectVerdict(newClient(), conn, undefined, { repository: 'public/tool', reference: 'v1' }, 'ok');
    assert.equal(result.mediaType, 'application/vnd.docker.distribution.manifest.v2+json');
    assert.equal(result.anonymous, true);
  });
});

void test('registry down (nothing listens on the port): unreachable', async () => {
  const port = await findFreePort();
  const result = await expectVerdict(newClient(), { provider: 'other', endpoint: `127.0.0.1:${port}`, plainHttp: true }, ALICE, { repository: 'acme/oci', reference: '1.0' }, 'unreachable');
  assert.equal(result.httpStatus, undefined);
});

void describe('ECR provider through the GetAuthorizationToken stand-in', () => {
  const accessKey = { username: 'AKIAHARNESSEXAMPLE01', secret: 'ecr-Secret-Key-not-real' };
  const region = 'us-east-1';
  let registry: RunningRegistry;
  let standIn: Awaited<ReturnType<typeof startEcrStandIn>>;
  let conn: ConnectionSettings;

  const savedRegionVariables = { AWS_REGION: process.env.AWS_REGION, AWS_DEFAULT_REGION: process.env.AWS_DEFAULT_REGION };
  before(async () => {
    // 127.0.0.1 names no AWS region, so the client falls back to the environment's or us-east-1: pin it.
    process.env.AWS_REGION = region;
    delete process.env.AWS_DEFAULT_REGION;
    // ECR registries challenge Basic and accept user AWS with the password from GetAuthorizationToken.
    registry = await startHtpasswdRegistry({ tls: true, users: { AWS: 'ecr-registry-Pa55' } });
    standIn = await startEcrStandIn({ accessKeyId: accessKey.username, secretAccessKey: accessKey.secret, region, registryPassword: 'ecr-registry-Pa55' });
    await pushImage(registry, { repository: 'acme/api', tag: 'v2', format: 'oci', username: 'AWS', password: 'ecr-registry-Pa55' });
    conn = { provider: 'ecr', endpoint: registry.host, caFile: registry.caFile };
  });
  after(async () => {
    for (const [name, value] of Object.entries(savedRegionVariables)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    await standIn?.stop();
    await registry?.stop();
  });

  const regionsAsked: string[] = [];
  const ecrClient = (): RegistryClient =>
    newClient({
      ecrApiEndpoint: (askedRegion) => {
        regionsAsked.push(askedRegion);
        return standIn.url;
      },
    });

  void test('a signed GetAuthorizationToken gets the registry password: ok, and the token is reused', async () => {
    const client = ecrClient();
    await expectVerdict(client, conn, accessKey, { repository: 'acme/api', reference: 'v2' }, 'ok');
    await expectVerdict(client, conn, accessKey, { repository: 'acme/api', reference: 'v2' }, 'ok', { noCache: true });
    assert.equal(standIn.tokensIssued, 1, 'one GetAuthorizationToken for two checks');
    assert.deepEqual([...new Set(regionsAsked)], [region]);
  });

  void test('a wrong secret access key (signature rejected by the stand-in): unauthorized', async () => {
    const before = standIn.requests;
    await expectVerdict(ecrClient(), conn, { username: accessKey.username, secret: 'wrong-Pa55-not-real' }, { repository: 'acme/api', reference: 'v2' }, 'unauthorized');
    assert.ok(standIn.requests > before, 'the client asked the stand-in');
  });
});
