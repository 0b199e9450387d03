// The ECR provider against a local stand-in for AWS's GetAuthorizationToken (it stands in for AWS:
// it implements the documented request and response and verifies the SigV4 signature) and a
// scripted Basic registry that accepts user AWS with the issued password.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { RegistryClient } from '../../server/src/registry/registryClient';
import { verifySignedRequest } from '../../server/src/registry/sigv4';
import type { ConnectionSettings } from '../../server/src/registry/types';
import type { Logger } from '../../server/src/log/logger';
import { json, scriptedRegistry, startFakeServer, type FakeServer } from './registryFakeServer';

const ACCESS_KEY = { username: 'AKIAUNITTESTEXAMPLE1', secret: 'unit-Secret-Access-Key/abc' };
const REGISTRY_PASSWORD = 'ecr-issued-Password-123';

const servers: FakeServer[] = [];
const clients: RegistryClient[] = [];
after(async () => {
  for (const c of clients) await c.close();
  for (const s of servers) await s.close();
});

interface StandIn {
  server: FakeServer;
  regions: string[];
  failures: string[];
  expiresAt: () => number;
  deny: boolean;
}

async function setup(clock: () => number): Promise<{ standIn: StandIn; registry: FakeServer; conn: ConnectionSettings; client: (logger?: Logger) => RegistryClient }> {
  const standIn: StandIn = { server: undefined as unknown as FakeServer, regions: [], failures: [], expiresAt: () => clock() / 1000 + 12 * 3600, deny: false };
  standIn.server = await startFakeServer((req, res) => {
    const verification = verifySignedRequest(
      { method: req.method, url: `http://${req.headers.host ?? ''}${req.url}`, headers: req.headers, body: req.body },
      (id) => (id === ACCESS_KEY.username ? ACCESS_KEY.secret : undefined),
    );
    if (!verification.ok) {
      standIn.failures.push(verification.reason ?? '');
      const type = verification.reason === 'unknown access key id' ? 'UnrecognizedClientException' : 'InvalidSignatureException';
      return json(res, 400, { __type: type, message: 'The request signature we calculated does not match the signature you provided.' });
    }
    if (req.method !== 'POST' || req.headers['x-amz-target'] !== 'AmazonEC2ContainerRegistry_V20150921.GetAuthorizationToken' || req.headers['content-type'] !== 'application/x-amz-json-1.1' || req.body !== '{}') {
      standIn.failures.push('not a GetAuthorizationToken request');
      return json(res, 400, { __type: 'SerializationException' });
    }
    if (verification.service !== 'ecr') {
      standIn.failures.push(`signed for service ${verification.service ?? ''}`);
      return json(res, 400, { __type: 'InvalidSignatureException' });
    }
    standIn.regions.push(verification.region ?? '');
    if (standIn.deny) return json(res, 400, { __type: 'AccessDeniedException', message: 'User is not authorized to perform: ecr:GetAuthorizationToken' });
    json(res, 200, {
      authorizationData: [{ authorizationToken: Buffer.from(`AWS:${REGISTRY_PASSWORD}`).toString('base64'), expiresAt: standIn.expiresAt(), proxyEndpoint: 'https://example' }],
    });
  });
  servers.push(standIn.server);
  const registry = await startFakeServer(scriptedRegistry({ auth: 'basic', users: { AWS: REGISTRY_PASSWORD } }));
  servers.push(registry);
  const conn: ConnectionSettings = { provider: 'ecr', endpoint: registry.host, plainHttp: true };
  const client = (logger?: Logger): RegistryClient => {
    const c = new RegistryClient({ now: clock, ecrApiEndpoint: (region) => `${standIn.server.url}/?region=${region}`, ...(logger ? { logger } : {}) });
    clients.push(c);
    return c;
  };
  return { standIn, registry, conn, client };
}

void test('ECR: signed GetAuthorizationToken, then Basic AWS:<password>; cold 3 requests, warm 1', async () => {
  let now = Date.UTC(2026, 2, 1);
  const { standIn, registry, conn, client } = await setup(() => now);
  const lines: string[] = [];
  const c = client({ error: (m) => lines.push(m), warn: (m) => lines.push(m), info: (m) => lines.push(m), debug: (m) => lines.push(m) });
  const cold = await c.checkPull(conn, ACCESS_KEY, { repository: 'acme/app', reference: 'v1' });
  assert.equal(cold.verdict, 'ok', JSON.stringify(cold) + standIn.failures.join());
  assert.equal(cold.requests, 3);
  assert.deepEqual(standIn.failures, []);
  assert.deepEqual(standIn.regions, ['us-east-1'], 'a non-ECR host falls back to AWS_REGION or us-east-1');
  assert.equal(registry.requests.at(-1)?.headers.authorization, `Basic ${Buffer.from(`AWS:${REGISTRY_PASSWORD}`).toString('base64')}`);

  const warm = await c.checkPull(conn, ACCESS_KEY, { repository: 'acme/app', reference: 'v1' }, { noCache: true });
  assert.equal(warm.requests, 1);
  assert.equal(standIn.regions.length, 1, 'the ECR password was reused');

  // 11 h 56 min later the password is within the 5-minute margin of its 12 h expiry: fetched again.
  now += (11 * 60 + 56) * 60_000;
  const later = await c.checkPull(conn, ACCESS_KEY, { repository: 'acme/app', reference: 'v1' }, { noCache: true });
  assert.equal(later.verdict, 'ok');
  assert.equal(standIn.regions.length, 2);

  const everything = lines.join('\n') + JSON.stringify([cold, warm, later]);
  for (const secret of [ACCESS_KEY.secret, REGISTRY_PASSWORD, Buffer.from(`AWS:${REGISTRY_PASSWORD}`).toString('base64')]) {
    assert.ok(!everything.includes(secret), 'no secret in results or logs');
  }
});

void test('ECR: a wrong secret access key is unauthorized, with advice about the key', async () => {
  const { standIn, conn, client } = await setup(() => Date.now());
  const result = await client().checkPull(conn, { username: ACCESS_KEY.username, secret: 'not-the-Secret-key' }, { repository: 'acme/app', reference: 'v1' });
  assert.equal(result.verdict, 'unauthorized', JSON.stringify(result));
  assert.equal(result.registryErrorCode, 'InvalidSignatureException');
  assert.deepEqual(standIn.failures, ['signature does not match']);
  assert.match(result.hint ?? '', /secret access key/);
  assert.ok(!JSON.stringify(result).includes('not-the-Secret-key'));
});

void test('ECR: an unknown access key id is unauthorized', async () => {
  const { conn, client } = await setup(() => Date.now());
  const result = await client().checkPull(conn, { username: 'AKIANOTKNOWN00000000', secret: ACCESS_KEY.secret }, { repository: 'acme/app', reference: 'v1' });
  assert.equal(result.verdict, 'unauthorized');
  assert.equal(result.registryErrorCode, 'UnrecognizedClientException');
});

void test('ECR: a key without ecr:GetAuthorizationToken is denied, and the hint names the permission', async () => {
  const { standIn, conn, client } = await setup(() => Date.now());
  standIn.deny = true;
  const result = await client().checkPull(conn, ACCESS_KEY, { repository: 'acme/app', reference: 'v1' });
  assert.equal(result.verdict, 'denied');
  assert.match(result.hint ?? '', /ecr:GetAuthorizationToken/);
  assert.match(result.hint ?? '', /ecr:BatchGetImage/);
});

void test('ECR: an ECR entry whose host is not an ECR host and no API override is a clear error', async () => {
  const c = new RegistryClient();
  clients.push(c);
  const registry = await startFakeServer((_req, res) => json(res, 401, {}, { 'www-authenticate': 'Basic realm="x"' }));
  servers.push(registry);
  const result = await c.checkPull({ provider: 'ecr', endpoint: registry.host, plainHttp: true }, ACCESS_KEY, { repository: 'a/b', reference: 'c' });
  assert.equal(result.verdict, 'protocol-error');
  assert.match(result.message, /not an ECR registry host/);
});
