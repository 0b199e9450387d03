// The vendor-portal backend against the local stand-in for the hosted Vendor API v3.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PortalRegistryStore } from '../../server/src/store/portal/portalStore';
import { VendorApiError } from '../../server/src/store/portal/vendorApiClient';
import type { Logger } from '../../server/src/log/logger';
import { startVendorApiStandIn } from '../harness/vendorApiStandIn';

const TOKEN = 'rr-test-api-token-5f0c2a9d';

function capturingLogger(lines: string[]): Logger {
  const push = (m: string) => void lines.push(m);
  return { error: push, warn: push, info: push, debug: push };
}

void test('list, add, test, logs and remove go to the documented calls', async () => {
  const api = await startVendorApiStandIn({
    token: TOKEN,
    testPull: (_registry, image) => Promise.resolve(image === '' || image.startsWith('acme/app:') ? (image.endsWith(':missing') ? 404 : 200) : 404),
  });
  const logs: string[] = [];
  try {
    const store = new PortalRegistryStore({ token: TOKEN, origin: api.origin, logger: capturingLogger(logs) });
    assert.deepEqual(await store.list(), [], 'a null list means empty');

    const added = await store.add(
      { slug: 'acme-quay', provider: 'quay', endpoint: 'quay.io', authType: 'password' },
      { username: 'acme+robot', secret: 'robot-secret-value' },
    );
    assert.equal(added.slug, 'acme-quay');
    assert.equal(added.source, 'portal');
    const post = api.requests.find((r) => r.method === 'POST');
    assert.ok(post);
    assert.equal(post.path, '/v3/external_registry');
    assert.equal(post.authorization, TOKEN, 'raw token, no Bearer');
    assert.deepEqual(JSON.parse(post.body), {
      provider: 'quay',
      endpoint: 'quay.io',
      slug: 'acme-quay',
      authType: 'password',
      username: 'acme+robot',
      password: 'robot-secret-value',
      skipValidation: false,
    });

    const listed = await store.list();
    assert.deepEqual(listed.map((r) => [r.slug, r.endpoint, r.username]), [['acme-quay', 'quay.io', 'acme+robot']]);

    const ok = await store.test('acme-quay', 'acme/app:1.0');
    assert.equal(ok.verdict, 'ok');
    assert.equal(ok.httpStatus, 200);
    const missing = await store.test('quay.io', 'acme/app:missing');
    // Not "tag not found": the portal's 404 also means "these credentials cannot pull it".
    assert.equal(missing.verdict, 'manifest-unknown');
    assert.equal(missing.registryErrorCode, 'MANIFEST_UNKNOWN');
    assert.match(missing.message, /does not exist or the saved credentials cannot pull it/);
    // Both tests addressed the registry by its endpoint (named by slug, then by endpoint).
    assert.deepEqual(api.requests.filter((r) => r.method === 'PUT').map((r) => (JSON.parse(r.body) as { endpoint: string }).endpoint), ['quay.io', 'quay.io']);

    const pullLogs = await store.logs('acme-quay');
    assert.deepEqual(pullLogs.map((l) => [l.action, l.statusCode, l.isSuccess, l.image]), [
      ['test', 200, true, 'acme/app:1.0'],
      ['test', 404, false, 'acme/app:missing'],
    ]);
    assert.ok(api.requests.some((r) => r.method === 'GET' && r.path === '/v3/external_registry/logs?endpoint=quay.io'));

    const removed = await store.remove('acme-quay');
    assert.equal(removed.slug, 'acme-quay');
    assert.ok(api.requests.some((r) => r.method === 'DELETE' && r.path === '/v3/external_registry/acme-quay'));
    assert.deepEqual(await store.list(), []);
    await assert.rejects(store.remove('acme-quay'), /No registry named "acme-quay"/);

    for (const line of logs) assert.ok(!line.includes(TOKEN), `token leaked into a log line: ${line}`);
  } finally {
    await api.stop();
  }
});

void test('the stand-in rejects what the hosted API would: Bearer prefix, unknown fields, wrong method, no Content-Type, a slug where the endpoint goes', async () => {
  const api = await startVendorApiStandIn({ token: TOKEN });
  try {
    const bearer = await fetch(`${api.origin}/v3/external_registries`, { headers: { Authorization: `Bearer ${TOKEN}` } });
    assert.equal(bearer.status, 401);
    const extra = await fetch(`${api.origin}/v3/external_registry`, {
      method: 'POST',
      headers: { Authorization: TOKEN, 'Content-Type': 'application/json' },
      body: JSON.stringify({ provider: 'other', endpoint: 'r.example', authType: 'password', username: 'u', password: 'p', skipValidation: true, color: 'red' }),
    });
    assert.equal(extra.status, 400);
    assert.match(((await extra.json()) as { message: string }).message, /unknown field/);
    const wrongMethod = await fetch(`${api.origin}/v3/external_registries`, { method: 'POST', headers: { Authorization: TOKEN, 'Content-Type': 'application/json' } });
    assert.equal(wrongMethod.status, 405);
    // The pact records Content-Type: application/json on every request, GET included.
    const untyped = await fetch(`${api.origin}/v3/external_registries`, { headers: { Authorization: TOKEN } });
    assert.equal(untyped.status, 415);
    // test and logs match the endpoint, never a slug that is not one.
    api.registries.push({ provider: 'quay', endpoint: 'quay.io', slug: 'acme-quay', authType: 'password', username: 'u', password: 'p', lastUsedAt: null });
    const bySlug = await fetch(`${api.origin}/v3/external_registry/test`, { method: 'PUT', headers: { Authorization: TOKEN, 'Content-Type': 'application/json' }, body: JSON.stringify({ endpoint: 'acme-quay', image: 'a/b:1' }) });
    assert.equal(bySlug.status, 404);
    const logsBySlug = await fetch(`${api.origin}/v3/external_registry/logs?endpoint=acme-quay`, { headers: { Authorization: TOKEN, 'Content-Type': 'application/json' } });
    assert.equal(logsBySlug.status, 404);
  } finally {
    await api.stop();
  }
});

void test('401, 403 (error body form) and 5xx become clear messages without the token', async () => {
  const api = await startVendorApiStandIn({ token: TOKEN, readOnlyToken: 'rr-read-only-token-77' });
  try {
    const wrong = new PortalRegistryStore({ token: 'not-the-token-1234', origin: api.origin, backoffMs: 1 });
    await assert.rejects(wrong.list(), (err: unknown) => {
      assert.ok(err instanceof VendorApiError);
      assert.equal(err.status, 401);
      assert.match(err.message, /token was rejected/);
      assert.match(err.message, /REPLICATED_API_TOKEN/);
      assert.ok(!err.message.includes('not-the-token-1234'));
      return true;
    });

    const readOnly = new PortalRegistryStore({ token: 'rr-read-only-token-77', origin: api.origin });
    await assert.rejects(
      readOnly.add({ slug: 'x', provider: 'other', endpoint: 'r.example', authType: 'password' }, { username: 'u', secret: 'pw-123456' }),
      (err: unknown) => {
        assert.ok(err instanceof VendorApiError);
        assert.equal(err.status, 403);
        assert.equal(err.code, 'FORBIDDEN');
        assert.match(err.message, /not allowed to add an external registry/);
        assert.match(err.message, /kots\/externalregistry\/create/);
        return true;
      },
    );

    const store = new PortalRegistryStore({ token: TOKEN, origin: api.origin, backoffMs: 1 });
    api.failNext(1, 500, { message: 'database unavailable' });
    await assert.rejects(
      store.add({ slug: 'y', provider: 'other', endpoint: 'r.example', authType: 'password' }, { username: 'u', secret: 'pw-123456' }),
      /failed to add an external registry \(HTTP 500\): database unavailable/,
    );
  } finally {
    await api.stop();
  }
});

void test('idempotent calls are retried with backoff; POST is not', async () => {
  const api = await startVendorApiStandIn({ token: TOKEN });
  try {
    const store = new PortalRegistryStore({ token: TOKEN, origin: api.origin, backoffMs: 1 });
    api.failNext(2, 503);
    assert.deepEqual(await store.list(), []);
    assert.equal(api.requests.filter((r) => r.path === '/v3/external_registries').length, 3, 'two failures then success');

    api.requests.length = 0;
    api.failNext(1, 503);
    await assert.rejects(store.add({ slug: 'z', provider: 'other', endpoint: 'r.example', authType: 'password' }, { username: 'u', secret: 'pw-123456' }));
    assert.equal(api.requests.filter((r) => r.method === 'POST').length, 1, 'a POST is never repeated');

    api.requests.length = 0;
    api.failNext(5, 502);
    await assert.rejects(store.list(), /HTTP 502/);
    assert.equal(api.requests.length, 3, 'gives up after 3 attempts');
  } finally {
    await api.stop();
  }
});

void test('custom domains are read per app', async () => {
  const api = await startVendorApiStandIn({
    token: TOKEN,
    apps: [{ id: '2abc', slug: 'my-app', name: 'My App' }],
    customHostnames: { '2abc': { proxy: ['images.acme.example'], registry: ['registry.acme.example'] } },
  });
  try {
    const store = new PortalRegistryStore({ token: TOKEN, origin: api.origin });
    assert.deepEqual(await store.customDomains('my-app'), { proxy: ['images.acme.example'], registry: ['registry.acme.example'] });
    assert.deepEqual(await store.customDomains('unknown-app'), { proxy: [], registry: [] });
  } finally {
    await api.stop();
  }
});
