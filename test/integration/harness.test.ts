/**
 * Proves the test harness itself against the real tools: images pushed with skopeo are what skopeo reads
 * back, the token server grants only each user's scopes, the fault proxy injects what it says, the ECR
 * stand-in verifies SigV4 signatures, and stop() leaves nothing behind.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import http from 'node:http';
import { after, before, describe, test } from 'node:test';
import {
  assertToolsInstalled,
  MEDIA_TYPES,
  pushImage,
  signGetAuthorizationToken,
  skopeoInspectRaw,
  startEcrStandIn,
  startFaultProxy,
  startHtpasswdRegistry,
  startTokenRegistry,
  tagImage,
  type RunningRegistry,
  type TokenRegistry,
} from '../harness';
import { probeStatus } from '../harness/processes';

const sha256 = (text: string): string => `sha256:${createHash('sha256').update(text).digest('hex')}`;

/** One plain-http request with a deadline; resolves with status, headers and body. */
function httpGet(url: string, headers: Record<string, string> = {}, timeoutMs = 5000): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const request = http.request(url, { headers, timeout: timeoutMs, agent: false }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.once('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    request.once('timeout', () => request.destroy(new Error(`timeout after ${timeoutMs} ms`)));
    request.once('error', reject);
    request.end();
  });
}

function decodeJwtPart(token: string, index: number): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[index] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
}

void test('the Debian tools the harness runs are installed (else: run the apt-get line of .ci/run)', () => {
  assertToolsInstalled();
});

void describe('htpasswd registry over TLS', () => {
  let registry: RunningRegistry;
  before(async () => {
    registry = await startHtpasswdRegistry({ tls: true, users: { alice: 'alice-secret-1' } });
  });
  after(async () => {
    await registry?.stop();
  });

  void test('serves https with a certificate that only the harness CA makes trusted', async () => {
    assert.match(registry.url, /^https:\/\/127\.0\.0\.1:\d+$/);
    assert.ok(registry.caFile && existsSync(registry.caFile));
    assert.equal(await probeStatus(`${registry.url}/v2/`, registry.caFile), 401);
    await assert.rejects(probeStatus(`${registry.url}/v2/`), /self[- ]signed|unable to verify|certificate/i);
  });

  for (const format of ['oci', 'docker-v2', 'index'] as const) {
    void test(`push a ${format} image, then skopeo reads back the same manifest`, async () => {
      const pushed = await pushImage(registry, { repository: `harness/${format}`, tag: 'v1', format, username: 'alice', password: 'alice-secret-1' });
      const raw = await skopeoInspectRaw(registry, `harness/${format}:v1`, 'alice', 'alice-secret-1');
      const manifest = JSON.parse(raw) as { mediaType?: string; manifests?: Array<{ platform?: { architecture?: string } }> };
      assert.equal(sha256(raw), pushed.digest, 'the digest pushImage returns is the digest of what the registry serves');
      assert.equal(manifest.mediaType, pushed.mediaType);
      if (format === 'index') assert.deepEqual(manifest.manifests?.map((m) => m.platform?.architecture), ['amd64', 'arm64']);
    });
  }

  void test('a wrong password cannot push', async () => {
    await assert.rejects(pushImage(registry, { repository: 'harness/denied', tag: 'v1', format: 'oci', username: 'alice', password: 'not-the-password' }), /skopeo copy failed.*unauthorized/);
  });

  void test('tagImage adds tags to an existing manifest', async () => {
    const pushed = await pushImage(registry, { repository: 'harness/tagged', tag: 'v1', format: 'oci', username: 'alice', password: 'alice-secret-1' });
    const digest = await tagImage(registry, { repository: 'harness/tagged', fromReference: 'v1', tags: ['v2', 'v3'], username: 'alice', password: 'alice-secret-1' });
    assert.equal(digest, pushed.digest);
    assert.equal(sha256(await skopeoInspectRaw(registry, 'harness/tagged:v3', 'alice', 'alice-secret-1')), pushed.digest);
  });
});

void describe('token registry', () => {
  let registry: TokenRegistry;
  before(async () => {
    registry = await startTokenRegistry({
      users: { reader: { password: 'reader-secret-1', pull: ['team/*'] }, outsider: { password: 'outsider-secret-1', pull: ['elsewhere/app'] } },
      anonymousPull: ['public/*'],
    });
    await pushImage(registry, { repository: 'team/app', tag: 'v1', format: 'oci', username: registry.admin.username, password: registry.admin.password });
  });
  after(async () => {
    await registry?.stop();
  });

  void test('challenges with Bearer pointing at the harness token server', async () => {
    const ping = await httpGet(`${registry.url}/v2/`);
    assert.equal(ping.status, 401);
    assert.match(String(ping.headers['www-authenticate']), new RegExp(`^Bearer realm="${registry.tokenServer.url}",service="harness-registry"`));
  });

  void test('issues RS256 JWTs with x5c and only the scopes the user has', async () => {
    const basic = `Basic ${Buffer.from('reader:reader-secret-1').toString('base64')}`;
    const answer = await httpGet(`${registry.tokenServer.url}?service=harness-registry&scope=repository:team/app:pull,push&scope=repository:other/app:pull`, { Authorization: basic });
    assert.equal(answer.status, 200);
    const { token, access_token: accessToken, expires_in: expiresIn } = JSON.parse(answer.body) as { token: string; access_token: string; expires_in: number };
    assert.equal(accessToken, token);
    assert.ok(expiresIn > 0);
    const header = decodeJwtPart(token, 0);
    const claims = decodeJwtPart(token, 1);
    assert.equal(header.alg, 'RS256');
    assert.ok(Array.isArray(header.x5c) && header.x5c.length === 1);
    assert.equal(claims.aud, 'harness-registry');
    assert.equal(claims.iss, 'harness-token-issuer');
    for (const claim of ['exp', 'nbf', 'iat']) assert.equal(typeof claims[claim], 'number', claim);
    assert.deepEqual(claims.access, [{ type: 'repository', name: 'team/app', actions: ['pull'] }]);
  });

  void test('a bad password gets 401 from the token server', async () => {
    const basic = `Basic ${Buffer.from('reader:wrong').toString('base64')}`;
    const answer = await httpGet(`${registry.tokenServer.url}?service=harness-registry&scope=repository:team/app:pull`, { Authorization: basic });
    assert.equal(answer.status, 401);
  });

  void test('the registry honours the granted scopes (skopeo as the client)', async () => {
    const raw = await skopeoInspectRaw(registry, 'team/app:v1', 'reader', 'reader-secret-1');
    assert.equal((JSON.parse(raw) as { mediaType: string }).mediaType, MEDIA_TYPES.ociManifest);
    await assert.rejects(skopeoInspectRaw(registry, 'team/app:v1', 'outsider', 'outsider-secret-1'), /unauthorized|denied|authentication required|requested access/i);
  });

  void test('anonymous pull is granted only on anonymousPull repositories', async () => {
    const anon = await httpGet(`${registry.tokenServer.url}?service=harness-registry&scope=repository:public/x:pull&scope=repository:team/app:pull`);
    const { token } = JSON.parse(anon.body) as { token: string };
    assert.deepEqual(decodeJwtPart(token, 1).access, [{ type: 'repository', name: 'public/x', actions: ['pull'] }]);
  });
});

void describe('fault proxy', () => {
  let registry: RunningRegistry;
  before(async () => {
    registry = await startHtpasswdRegistry({ tls: true, users: { alice: 'alice-secret-2' } });
  });
  after(async () => {
    await registry?.stop();
  });

  void test('pass forwards to the TLS registry and records requests', async () => {
    const proxy = await startFaultProxy(registry, { kind: 'pass' });
    try {
      const answer = await httpGet(`${proxy.url}/v2/`, { 'X-Probe': 'yes' });
      assert.equal(answer.status, 401);
      assert.match(String(answer.headers['www-authenticate']), /^Basic realm="harness-registry"/);
      assert.equal(proxy.requests.length, 1);
      assert.equal(proxy.requests[0]?.headers['x-probe'], 'yes');
    } finally {
      await proxy.stop();
    }
  });

  void test('status 429 answers with Retry-After; only: manifests lets the ping through', async () => {
    const proxy = await startFaultProxy(registry, { kind: 'status', status: 429, retryAfter: '17', headers: { 'RateLimit-Limit': '100;w=21600' }, only: 'manifests' });
    try {
      assert.equal((await httpGet(`${proxy.url}/v2/`)).status, 401);
      const limited = await httpGet(`${proxy.url}/v2/some/repo/manifests/v1`);
      assert.equal(limited.status, 429);
      assert.equal(limited.headers['retry-after'], '17');
      assert.equal(limited.headers['ratelimit-limit'], '100;w=21600');
      assert.equal((JSON.parse(limited.body) as { errors: Array<{ code: string }> }).errors[0]?.code, 'TOOMANYREQUESTS');
    } finally {
      await proxy.stop();
    }
  });

  void test('hang never answers (the client times out) and stop() still returns', async () => {
    const proxy = await startFaultProxy(registry, { kind: 'hang' });
    await assert.rejects(httpGet(`${proxy.url}/v2/`, {}, 300), /timeout after 300 ms/);
    assert.equal(proxy.requests.length, 1);
    await proxy.stop();
  });

  void test('redirect-manifests-to answers 307 to the other host', async () => {
    const proxy = await startFaultProxy(registry, { kind: 'redirect-manifests-to', location: 'http://localhost:1/' });
    try {
      const answer = await httpGet(`${proxy.url}/v2/a/b/manifests/v1`);
      assert.equal(answer.status, 307);
      assert.equal(answer.headers.location, 'http://localhost:1/v2/a/b/manifests/v1');
    } finally {
      await proxy.stop();
    }
  });
});

void describe('ECR stand-in', () => {
  void test('accepts a correctly signed GetAuthorizationToken and rejects a wrong secret', async () => {
    const standIn = await startEcrStandIn({ accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'right-secret', region: 'us-west-2', registryPassword: 'registry-pass' });
    try {
      const post = async (headers: Record<string, string>) => {
        const response = await fetch(standIn.url, { method: 'POST', headers, body: '{}' });
        return { status: response.status, body: (await response.json()) as Record<string, unknown> };
      };
      const good = await post(signGetAuthorizationToken(standIn.url, 'us-west-2', 'AKIDEXAMPLE', 'right-secret'));
      assert.equal(good.status, 200);
      const data = (good.body.authorizationData as Array<{ authorizationToken: string; expiresAt: number }>)[0];
      assert.equal(Buffer.from(data?.authorizationToken ?? '', 'base64').toString('utf8'), 'AWS:registry-pass');
      assert.ok((data?.expiresAt ?? 0) > Date.now() / 1000);
      const bad = await post(signGetAuthorizationToken(standIn.url, 'us-west-2', 'AKIDEXAMPLE', 'wrong-secret'));
      assert.equal(bad.status, 403);
      assert.equal(bad.body.__type, 'InvalidSignatureException');
      const wrongRegion = await post(signGetAuthorizationToken(standIn.url, 'eu-west-1', 'AKIDEXAMPLE', 'right-secret'));
      assert.equal(wrongRegion.status, 403);
      assert.equal(standIn.tokensIssued, 1);
    } finally {
      await standIn.stop();
    }
  });
});

void test('stop() ends the registry process and removes its folder', async () => {
  const registry = await startHtpasswdRegistry({ tls: false, users: { bob: 'bob-secret' } });
  assert.equal(await probeStatus(`${registry.url}/v2/`), 401);
  await registry.stop();
  await assert.rejects(probeStatus(`${registry.url}/v2/`), /ECONNREFUSED/);
  assert.equal(existsSync(registry.dataDir), false);
});
