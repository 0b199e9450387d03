// Protocol behaviour of the registry client against scripted servers on 127.0.0.1: auth flows,
// request counts, caches, verdicts, redirects, size caps, timeouts, TLS, paging, logging.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { RegistryClient, RegistryRequestError, nextLinkFrom, type RegistryClientOptions } from '../../server/src/registry/registryClient';
import type { ConnectionSettings, Credentials } from '../../server/src/registry/types';
import type { Logger } from '../../server/src/log/logger';
import { DIGEST, OCI_INDEX, OCI_MANIFEST, json, registryError, scriptedRegistry, selfSignedCertificate, startFakeServer, waitFor, type FakeServer, type ScriptedRegistryOptions } from './registryFakeServer';

const ALICE: Credentials = { username: 'alice', secret: 'alice-S3cret-unit' };
const BOB: Credentials = { username: 'bob', secret: 'bob-S3cret-unit' };
const SECRETS = [ALICE.secret, BOB.secret, 'wrong-S3cret-unit'];

const servers: FakeServer[] = [];
const clients: RegistryClient[] = [];
after(async () => {
  for (const client of clients) await client.close();
  for (const server of servers) await server.close();
});

async function server(handler: Parameters<typeof startFakeServer>[0] = () => undefined, tls?: { cert: string; key: string }): Promise<FakeServer> {
  const s = await startFakeServer(handler, tls);
  servers.push(s);
  return s;
}

function client(options: RegistryClientOptions = {}): RegistryClient {
  const c = new RegistryClient({ timeouts: { connectMs: 2000, headersMs: 3000, bodyMs: 3000, overallMs: 8000 }, ...options });
  clients.push(c);
  return c;
}

function conn(s: FakeServer, extra: Partial<ConnectionSettings> = {}): ConnectionSettings {
  return { provider: 'other', endpoint: s.host, plainHttp: !s.url.startsWith('https'), ...extra };
}

function assertNoSecrets(text: string): void {
  for (const secret of SECRETS) assert.ok(!text.includes(secret), `secret leaked into: ${text}`);
}

async function bearerRegistry(options: Partial<ScriptedRegistryOptions> = {}): Promise<FakeServer> {
  const s = await server(scriptedRegistry({ auth: 'bearer', users: { alice: ALICE.secret, bob: BOB.secret }, ...options }));
  return s;
}

void describe('Bearer token flow', () => {
  void test('cold check: ping, token, HEAD (3 requests); warm check: 1; cached result: 0', async () => {
    const s = await bearerRegistry();
    const c = client();
    const cold = await c.checkPull(conn(s), ALICE, { repository: 'acme/app', reference: 'v1' });
    assert.equal(cold.verdict, 'ok', JSON.stringify(cold));
    assert.equal(cold.requests, 3);
    assert.equal(cold.digest, DIGEST);
    assert.equal(cold.mediaType, OCI_MANIFEST);
    assert.equal(cold.image, `${s.host}/acme/app:v1`);
    assert.equal(cold.anonymous, false);
    assert.deepEqual(s.requests.map((r) => `${r.method} ${r.url.split('?')[0]}`), ['GET /v2/', 'GET /token', 'HEAD /v2/acme/app/manifests/v1']);

    const tokenRequest = s.requests[1];
    assert.ok(tokenRequest);
    const query = new URL(tokenRequest.url, 'http://x').searchParams;
    assert.equal(query.get('service'), 'fake-registry');
    assert.equal(query.get('scope'), 'repository:acme/app:pull');
    assert.equal(tokenRequest.headers.authorization, `Basic ${Buffer.from(`alice:${ALICE.secret}`).toString('base64')}`);

    const head = s.requests[2];
    assert.ok(head);
    assert.equal(head.headers.authorization, 'Bearer tok-alice-1');
    for (const type of [OCI_INDEX, OCI_MANIFEST, 'application/vnd.docker.distribution.manifest.list.v2+json', 'application/vnd.docker.distribution.manifest.v2+json']) {
      assert.ok(String(head.headers.accept).includes(type), `Accept lacks ${type}`);
    }

    const warm = await c.checkPull(conn(s), ALICE, { repository: 'acme/app', reference: 'v1' }, { noCache: true });
    assert.equal(warm.verdict, 'ok');
    assert.equal(warm.requests, 1);
    const cached = await c.checkPull(conn(s), ALICE, { repository: 'acme/app', reference: 'v1' });
    assert.equal(cached.verdict, 'ok');
    assert.equal(cached.requests, 0);
    assert.equal(c.requestCount, 4);
    assert.equal(s.requests.length, 4);
  });

  void test('access_token is preferred over token', async () => {
    const inner = scriptedRegistry({ auth: 'bearer', users: { alice: ALICE.secret } });
    const s = await server((req, res) => {
      // Rewrites the token answer: `token` is garbage, `access_token` is the real one.
      if (req.url.startsWith('/token')) {
        const capture = { status: 0, body: '' };
        const fakeRes = {
          writeHead: (status: number) => void (capture.status = status),
          end: (body: string) => {
            const parsed = JSON.parse(body) as { token: string };
            json(res, 200, { token: 'not-this-one', access_token: parsed.token, expires_in: 300 });
          },
        } as unknown as Parameters<typeof inner>[1];
        inner(req, fakeRes);
        return;
      }
      inner(req, res);
    });
    const result = await client().checkPull(conn(s), ALICE, { repository: 'acme/app', reference: 'v1' });
    assert.equal(result.verdict, 'ok', JSON.stringify(result));
    assert.equal(s.requests.at(-1)?.headers.authorization, 'Bearer tok-alice-1');
  });

  void test('expires_in is honoured, with 60 s when absent, measured from issued_at', async () => {
    let clock = Date.UTC(2026, 0, 1);
    let tokenBody: Record<string, unknown> = { expires_in: 120 };
    const s = await bearerRegistry({ tokenBody: () => tokenBody });
    const c = client({ now: () => clock });
    const check = () => c.checkPull(conn(s), ALICE, { repository: 'acme/app', reference: 'v1' }, { noCache: true });
    assert.equal((await check()).requests, 3);
    clock += 100_000; // 100 s: still inside 120 s (minus the margin)
    assert.equal((await check()).requests, 1);
    clock += 30_000; // 130 s: expired → token + HEAD (the ping stays cached)
    assert.equal((await check()).requests, 2);

    tokenBody = {}; // no expires_in: 60 s
    c.invalidate();
    assert.equal((await check()).requests, 3);
    clock += 40_000;
    assert.equal((await check()).requests, 1);
    clock += 25_000;
    assert.equal((await check()).requests, 2);

    // issued_at 50 s in the past with expires_in 60: only ~10 s left.
    tokenBody = { expires_in: 60, issued_at: new Date(clock - 50_000).toISOString() };
    c.invalidate();
    assert.equal((await check()).requests, 3);
    clock += 15_000;
    assert.equal((await check()).requests, 2);
  });

  void test('a rejected cached token is fetched again once', async () => {
    const s = await bearerRegistry();
    const c = client();
    assert.equal((await c.checkPull(conn(s), ALICE, { repository: 'acme/app', reference: 'v1' })).requests, 3);
    // The registry restarts and forgets its tokens: swap in a fresh scripted registry on the same port.
    s.handle(scriptedRegistry({ auth: 'bearer', users: { alice: ALICE.secret } }));
    const again = await c.checkPull(conn(s), ALICE, { repository: 'acme/app', reference: 'v1' }, { noCache: true });
    assert.equal(again.verdict, 'ok', JSON.stringify(again));
    assert.equal(again.requests, 3, 'HEAD (401 invalid_token), token, HEAD');
  });

  void test('wrong password: unauthorized with 401 from the realm', async () => {
    const s = await bearerRegistry();
    const result = await client().checkPull(conn(s), { username: 'alice', secret: 'wrong-S3cret-unit' }, { repository: 'acme/app', reference: 'v1' });
    assert.equal(result.verdict, 'unauthorized');
    assert.equal(result.httpStatus, 401);
    assert.match(result.message, /rejected the login for user alice/);
    assert.ok(result.hint);
    assertNoSecrets(JSON.stringify(result));
  });

  void test('logged in without pull access (401 insufficient_scope): denied', async () => {
    const s = await bearerRegistry({ pullable: { alice: ['acme/app'], bob: ['other/thing'] } });
    const result = await client().checkPull(conn(s), BOB, { repository: 'acme/app', reference: 'v1' });
    assert.equal(result.verdict, 'denied', JSON.stringify(result));
    assert.equal(result.httpStatus, 401);
    // A HEAD answer has no body: the code comes from the challenge's error parameter.
    assert.equal(result.registryErrorCode, 'insufficient_scope');
    assert.match(result.message, /insufficient_scope/);
  });

  void test('anonymous check of a public repository gets an anonymous token', async () => {
    const s = await bearerRegistry();
    const result = await client().checkPull(conn(s), undefined, { repository: 'acme/app', reference: 'v1' });
    assert.equal(result.verdict, 'ok');
    assert.equal(result.anonymous, true);
    assert.equal(s.requests[1]?.headers.authorization, undefined);
  });

  void test('a GHCR-style anonymous refusal gives unauthorized with GHCR advice', async () => {
    const s = await bearerRegistry({ pullable: { alice: ['*'] } });
    const result = await client().checkPull(conn(s, { provider: 'ghcr' }), undefined, { repository: 'acme/app', reference: 'v1' });
    assert.equal(result.verdict, 'unauthorized');
    assert.match(result.hint ?? '', /read:packages/);
  });
});

void describe('Basic challenge', () => {
  async function basicRegistry(): Promise<FakeServer> {
    const s = await server(scriptedRegistry({ auth: 'basic', users: { alice: ALICE.secret }, pullable: { alice: ['acme/app'], bob: [] } }));
    return s;
  }

  void test('Basic goes straight to the registry: 2 requests cold', async () => {
    const s = await basicRegistry();
    const result = await client().checkPull(conn(s), ALICE, { repository: 'acme/app', reference: 'v1' });
    assert.equal(result.verdict, 'ok', JSON.stringify(result));
    assert.equal(result.requests, 2);
    assert.ok(String(s.requests[1]?.headers.authorization).startsWith('Basic '));
  });

  void test('wrong password with Basic: unauthorized (401)', async () => {
    const s = await basicRegistry();
    const result = await client().checkPull(conn(s), { username: 'alice', secret: 'wrong-S3cret-unit' }, { repository: 'acme/app', reference: 'v1' });
    assert.equal(result.verdict, 'unauthorized');
    assert.equal(result.httpStatus, 401);
  });

  void test('403 DENIED: denied', async () => {
    const s = await server((req, res) => {
      if (req.url === '/v2/' && !req.headers.authorization) return registryError(res, 401, 'UNAUTHORIZED', { 'www-authenticate': 'Basic realm="r"' });
      return registryError(res, 403, 'DENIED');
    });
    const result = await client().checkPull(conn(s), ALICE, { repository: 'acme/app', reference: 'v1' });
    assert.equal(result.verdict, 'denied');
    assert.equal(result.httpStatus, 403);
    assert.equal(result.registryErrorCode, 'DENIED');
  });
});

void describe('not found: repository or tag', () => {
  void test('HEAD 404 + tags/list 200: tag-not-found, 4 requests', async () => {
    const s = await bearerRegistry();
    const result = await client().checkPull(conn(s), ALICE, { repository: 'acme/app', reference: 'v404' });
    assert.equal(result.verdict, 'tag-not-found', JSON.stringify(result));
    assert.equal(result.httpStatus, 404);
    assert.equal(result.registryErrorCode, 'MANIFEST_UNKNOWN');
    assert.equal(result.requests, 4);
    assert.equal(s.requests.at(-1)?.url, '/v2/acme/app/tags/list?n=1');
  });

  void test('HEAD 404 + tags/list 404 NAME_UNKNOWN: repository-not-found', async () => {
    const s = await bearerRegistry();
    const result = await client().checkPull(conn(s), ALICE, { repository: 'acme/nothing', reference: 'v1' });
    assert.equal(result.verdict, 'repository-not-found', JSON.stringify(result));
    assert.equal(result.registryErrorCode, 'NAME_UNKNOWN');
  });

  void test('a missing digest reads "digest" and formats the image with @', async () => {
    const s = await bearerRegistry();
    const digest = `sha256:${'0'.repeat(64)}`;
    const result = await client().checkPull(conn(s), ALICE, { repository: 'acme/app', reference: digest });
    assert.equal(result.verdict, 'tag-not-found');
    assert.equal(result.image, `${s.host}/acme/app@${digest}`);
    assert.match(result.message, /no digest/);
  });
});

void describe('rate limits and server errors', () => {
  void test('429 with Retry-After and ratelimit headers: rate-limited', async () => {
    const s = await server((req, res) => {
      if (req.url === '/v2/') return json(res, 200, {});
      res.writeHead(429, { 'retry-after': '42', 'ratelimit-limit': '100;w=21600', 'ratelimit-remaining': '0;w=21600' });
      res.end();
    });
    const result = await client().checkPull(conn(s, { provider: 'dockerhub', endpoint: s.host }), undefined, { repository: 'library/nginx', reference: 'latest' });
    assert.equal(result.verdict, 'rate-limited');
    assert.equal(result.httpStatus, 429);
    assert.deepEqual(result.rateLimit, { retryAfterSeconds: 42, limit: '100;w=21600', remaining: '0;w=21600' });
    assert.match(result.message, /Retry after 42 s/);
    assert.match(result.hint ?? '', /Anonymous Docker Hub pulls are limited/);
  });

  void test('after a 429 the client backs off that registry until Retry-After, then checks again', async () => {
    let now = Date.UTC(2026, 5, 1, 12, 0, 0);
    let limited = true;
    const s = await server((req, res) => {
      if (req.url === '/v2/') return json(res, 200, {});
      if (limited) {
        res.writeHead(429, { 'retry-after': '42' });
        return res.end();
      }
      res.writeHead(200, { 'content-type': OCI_MANIFEST, 'docker-content-digest': DIGEST });
      res.end();
    });
    const c = client({ now: () => now });
    const first = await c.checkPull(conn(s), undefined, { repository: 'a/b', reference: 'c' });
    assert.equal(first.verdict, 'rate-limited');
    const sent = s.requests.length;

    now += 10_000;
    const skipped = await c.checkPull(conn(s), undefined, { repository: 'other/repo', reference: 'v2' });
    assert.equal(skipped.verdict, 'rate-limited', JSON.stringify(skipped));
    assert.equal(skipped.requests, 0);
    assert.equal(s.requests.length, sent, 'no request reached the rate-limited registry');
    assert.equal(skipped.rateLimit?.retryAfterSeconds, 32);
    assert.match(skipped.message, /Not checked/);
    assert.match(skipped.hint ?? '', /2026-06-01T12:00:42/);

    const forced = await c.checkPull(conn(s), undefined, { repository: 'a/b', reference: 'c' }, { noCache: true });
    assert.equal(forced.requests, 1, 'an explicit uncached check (the Test command) still goes out');
    assert.equal(forced.verdict, 'rate-limited', 'and its 429 restarts the wait: 42 s from now');

    limited = false;
    now += 41_000;
    assert.equal((await c.checkPull(conn(s), undefined, { repository: 'other/repo', reference: 'v2' })).requests, 0, 'still waiting');
    now += 2_000;
    const later = await c.checkPull(conn(s), undefined, { repository: 'other/repo', reference: 'v2' });
    assert.equal(later.verdict, 'ok', JSON.stringify(later));
    assert.ok(later.requests >= 1);
  });

  void test('checks queued behind the one that got the 429 are not sent either', async () => {
    const s = await server((req, res) => {
      if (req.url === '/v2/') return json(res, 200, {});
      res.writeHead(429, { 'retry-after': '60' });
      res.end();
    });
    const c = client({ maxConcurrencyPerRegistry: 1 });
    const repositories = Array.from({ length: 8 }, (_, i) => `team/app-${i}`);
    const results = await Promise.all(repositories.map((repository) => c.checkPull(conn(s), undefined, { repository, reference: 'v1' })));
    assert.ok(results.every((result) => result.verdict === 'rate-limited'), JSON.stringify(results.map((result) => result.verdict)));
    const manifestRequests = s.requests.filter((request) => request.url.includes('/manifests/'));
    assert.equal(manifestRequests.length, 1, `one 429 is enough: ${manifestRequests.map((request) => request.url).join(', ')}`);
    assert.equal(results.filter((result) => /Not checked/.test(result.message)).length, 7);
  });

  void test('Retry-After as an HTTP date', async () => {
    const now = Date.UTC(2026, 5, 1, 12, 0, 0);
    const s = await server((req, res) => {
      res.writeHead(429, { 'retry-after': new Date(now + 90_000).toUTCString() });
      res.end();
    });
    const result = await client({ now: () => now }).checkPull(conn(s), undefined, { repository: 'a/b', reference: 'c' });
    assert.equal(result.verdict, 'rate-limited');
    assert.equal(result.rateLimit?.retryAfterSeconds, 90);
    assert.match(result.hint ?? '', /90 s/);
  });

  void test('503 is a protocol-error that names the status; not cached', async () => {
    const s = await server((_req, res) => registryError(res, 503, 'UNAVAILABLE'));
    const c = client();
    const result = await c.checkPull(conn(s), ALICE, { repository: 'a/b', reference: 'c' });
    assert.equal(result.verdict, 'protocol-error');
    assert.equal(result.httpStatus, 503);
    assert.match(result.message, /503/);
    assert.match(result.hint ?? '', /server-side/);
    const again = await c.checkPull(conn(s), ALICE, { repository: 'a/b', reference: 'c' });
    assert.equal(again.requests, 1, 'a transient failure is not served from the cache');
  });

  void test('a web page at /v2/ is a protocol-error, not a false not-found', async () => {
    const s = await server((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<html>hello</html>');
    });
    const result = await client().checkPull(conn(s), ALICE, { repository: 'a/b', reference: 'c' });
    assert.equal(result.verdict, 'protocol-error');
    assert.match(result.message, /web page/);
  });

  void test('a token answer that is not JSON is a protocol-error', async () => {
    const s = await server((req, res) => {
      if (req.url.startsWith('/token')) {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end('nope');
        return;
      }
      registryError(res, 401, 'UNAUTHORIZED', { 'www-authenticate': `Bearer realm="http://${req.headers.host ?? ''}/token",service="s"` });
    });
    const result = await client().checkPull(conn(s), ALICE, { repository: 'a/b', reference: 'c' });
    assert.equal(result.verdict, 'protocol-error');
    assert.match(result.message, /not a JSON token/);
  });

  void test('a 401 without any challenge is a protocol-error', async () => {
    const s = await server((_req, res) => registryError(res, 401, 'UNAUTHORIZED'));
    const result = await client().checkPull(conn(s), ALICE, { repository: 'a/b', reference: 'c' });
    assert.equal(result.verdict, 'protocol-error');
    assert.match(result.message, /WWW-Authenticate/);
  });
});

void describe('transport: redirects, size caps, timeouts, unreachable, TLS', () => {
  void test('a redirect to another host does not carry Authorization; a same-host redirect does', async () => {
    const other = await server((_req, res) => {
      res.writeHead(200, { 'content-type': OCI_MANIFEST, 'docker-content-digest': DIGEST });
      res.end();
    });
    const s = await server((req, res) => {
      if (req.url === '/v2/' && !req.headers.authorization) return registryError(res, 401, 'UNAUTHORIZED', { 'www-authenticate': 'Basic realm="r"' });
      if (req.url === '/v2/acme/app/manifests/v1') {
        res.writeHead(307, { location: '/v2/acme/app/manifests/v1-moved' });
        return res.end();
      }
      // `localhost` is another host name than 127.0.0.1, as object storage would be.
      res.writeHead(302, { location: `http://localhost:${other.port}/blob` });
      res.end();
    });
    const result = await client().checkPull(conn(s), ALICE, { repository: 'acme/app', reference: 'v1' });
    assert.equal(result.verdict, 'ok', JSON.stringify(result));
    assert.equal(result.requests, 4, 'ping, HEAD, same-host hop, cross-host hop');
    assert.ok(s.requests.every((r, i) => i === 0 || String(r.headers.authorization).startsWith('Basic ')), 'the registry host got credentials on every hop');
    assert.equal(other.requests.length, 1);
    assert.equal(other.requests[0]?.headers.authorization, undefined);
  });

  void test('a cross-host redirect answered 401 (credentials withheld on purpose): protocol-error, not unauthorized', async () => {
    const storage = await server((_req, res) => registryError(res, 401, 'UNAUTHORIZED', { 'www-authenticate': 'Basic realm="storage"' }));
    const s = await server((req, res) => {
      if (!req.headers.authorization) return registryError(res, 401, 'UNAUTHORIZED', { 'www-authenticate': 'Basic realm="r"' });
      if (req.url === '/v2/') return json(res, 200, {});
      res.writeHead(307, { location: `http://localhost:${storage.port}/blob` });
      res.end();
    });
    const result = await client().checkPull(conn(s), ALICE, { repository: 'acme/app', reference: 'v1' });
    assert.equal(result.verdict, 'protocol-error', JSON.stringify(result));
    assert.equal(result.httpStatus, 401);
    assert.match(result.message, new RegExp(`localhost:${storage.port}`));
    assert.match(result.message, /deliberately not forwarded/);
    assert.match(result.hint ?? '', /pre-signed/);
    assert.equal(storage.requests[0]?.headers.authorization, undefined, 'the storage host never saw the login');
    assertNoSecrets(JSON.stringify(result));
  });

  void test('a same-host redirect answered 401 is still judged as the registry login', async () => {
    const s = await server((req, res) => {
      if (req.url === '/v2/' && !req.headers.authorization) return registryError(res, 401, 'UNAUTHORIZED', { 'www-authenticate': 'Basic realm="r"' });
      if (req.url === '/v2/') return json(res, 200, {});
      if (req.url === '/v2/acme/app/manifests/v1') {
        res.writeHead(307, { location: '/moved' });
        return res.end();
      }
      registryError(res, 401, 'UNAUTHORIZED', { 'www-authenticate': 'Basic realm="r"' });
    });
    const result = await client().checkPull(conn(s), ALICE, { repository: 'acme/app', reference: 'v1' });
    assert.equal(result.verdict, 'unauthorized', JSON.stringify(result));
  });

  void test('more than 5 redirects: protocol-error', async () => {
    const s = await server((req, res) => {
      if (req.url === '/v2/') return json(res, 200, {});
      res.writeHead(302, { location: `/loop/${s.requests.length}` });
      res.end();
    });
    const result = await client().checkPull(conn(s), undefined, { repository: 'a/b', reference: 'c' });
    assert.equal(result.verdict, 'protocol-error');
    assert.match(result.message, /redirect/);
    assert.equal(result.requests, 7, 'ping + the first request + 5 redirects');
  });

  void test('an oversized token answer is refused (declared length and streamed)', async () => {
    for (const declareLength of [true, false]) {
      const s = await server((req, res) => {
        if (req.url.startsWith('/token')) {
          const big = JSON.stringify({ token: 'x'.repeat(5000) });
          res.writeHead(200, declareLength ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(big) } : { 'content-type': 'application/json' });
          res.end(big);
          return;
        }
        registryError(res, 401, 'UNAUTHORIZED', { 'www-authenticate': `Bearer realm="http://${req.headers.host ?? ''}/token"` });
      });
      const result = await client({ maxResponseBytes: 1024 }).checkPull(conn(s), ALICE, { repository: 'a/b', reference: 'c' });
      assert.equal(result.verdict, 'protocol-error', `declared length ${declareLength}: ${JSON.stringify(result)}`);
      assert.match(result.message, /too large/);
    }
  });

  void test('a registry that never answers: timeout via the headers timeout', async () => {
    const s = await server(() => undefined); // holds every request
    const started = Date.now();
    const result = await client({ timeouts: { headersMs: 300, overallMs: 5000 } }).checkPull(conn(s), ALICE, { repository: 'a/b', reference: 'c' });
    assert.equal(result.verdict, 'timeout', JSON.stringify(result));
    assert.match(result.message, /did not answer in time/);
    assert.ok(Date.now() - started < 3000);
    assert.equal(result.httpStatus, undefined);
  });

  void test('the overall deadline ends a check even when each step is within its own timeout', async () => {
    const s = await server(() => undefined);
    const started = Date.now();
    const result = await client({ timeouts: { headersMs: 10_000, overallMs: 300 } }).checkPull(conn(s), ALICE, { repository: 'a/b', reference: 'c' });
    assert.equal(result.verdict, 'timeout');
    assert.match(result.message, /limit for the whole check/);
    assert.ok(Date.now() - started < 3000);
  });

  void test("the caller's signal cancels a check", async () => {
    const s = await server(() => undefined);
    const controller = new AbortController();
    const pending = client().checkPull(conn(s), ALICE, { repository: 'a/b', reference: 'c' }, { signal: controller.signal });
    await waitFor(() => s.requests.length === 1, 'the ping to arrive');
    controller.abort();
    const result = await pending;
    assert.equal(result.verdict, 'timeout');
    assert.match(result.message, /cancelled/);
  });

  void test('nothing listening: unreachable, never a not-found', async () => {
    const s = await server();
    const port = s.port;
    await s.close();
    const result = await client().checkPull({ provider: 'other', endpoint: `127.0.0.1:${port}`, plainHttp: true }, ALICE, { repository: 'a/b', reference: 'c' });
    assert.equal(result.verdict, 'unreachable');
    assert.match(result.message, /connection refused/);
    assert.equal(result.httpStatus, undefined);
  });

  void test('TLS: self-signed → tls-untrusted; caFile → ok; insecureSkipTLSVerify → ok; unreadable caFile → tls-untrusted', async () => {
    const certificate = selfSignedCertificate();
    try {
      const s = await server(scriptedRegistry({ auth: 'bearer', users: { alice: ALICE.secret }, scheme: 'https' }), certificate);
      const c = client();
      const untrusted = await c.checkPull(conn(s), ALICE, { repository: 'acme/app', reference: 'v1' });
      assert.equal(untrusted.verdict, 'tls-untrusted', JSON.stringify(untrusted));
      assert.match(untrusted.hint ?? '', /caFile/);
      assert.match(untrusted.hint ?? '', /insecureSkipTLSVerify/);
      const trusted = await c.checkPull(conn(s, { caFile: certificate.certFile }), ALICE, { repository: 'acme/app', reference: 'v1' });
      assert.equal(trusted.verdict, 'ok', JSON.stringify(trusted));
      const skipped = await c.checkPull(conn(s, { insecureSkipTLSVerify: true }), ALICE, { repository: 'acme/app', reference: 'v1' });
      assert.equal(skipped.verdict, 'ok', JSON.stringify(skipped));
      // The certificate names 127.0.0.1 only: reached as localhost, the name does not match.
      const mismatch = await c.checkPull(conn(s, { endpoint: `localhost:${s.port}`, caFile: certificate.certFile }), ALICE, { repository: 'acme/app', reference: 'v1' });
      assert.equal(mismatch.verdict, 'tls-untrusted', JSON.stringify(mismatch));
      assert.match(mismatch.message, /different host name/);
      const missing = await c.checkPull(conn(s, { caFile: '/nonexistent/ca.pem' }), ALICE, { repository: 'acme/app', reference: 'v1' });
      assert.equal(missing.verdict, 'tls-untrusted');
      assert.match(missing.message, /could not be read/);
      // A plain-HTTP server reached over https: protocol-error suggesting plainHttp.
      const plain = await server((_req, res) => json(res, 200, {}));
      const wrongScheme = await c.checkPull({ provider: 'other', endpoint: plain.host }, ALICE, { repository: 'a/b', reference: 'c' });
      assert.equal(wrongScheme.verdict, 'protocol-error', JSON.stringify(wrongScheme));
      assert.match(wrongScheme.hint ?? '', /plainHttp/);
    } finally {
      certificate.dispose();
    }
  });
});

void describe('sharing: in-flight de-duplication, bounded concurrency, caches', () => {
  void test('two concurrent checks of one target share one request chain', async () => {
    const s = await bearerRegistry();
    const c = client();
    const [a, b] = await Promise.all([
      c.checkPull(conn(s), ALICE, { repository: 'acme/app', reference: 'v1' }),
      c.checkPull(conn(s), ALICE, { repository: 'acme/app', reference: 'v1' }),
    ]);
    assert.equal(a.verdict, 'ok');
    assert.equal(b.verdict, 'ok');
    assert.equal(c.requestCount, 3);
    assert.equal(a.requests + b.requests, 3);
  });

  void test('checks of different repositories on one registry share the ping', async () => {
    const s = await bearerRegistry({ images: { 'acme/app': { v1: OCI_MANIFEST }, 'acme/web': { v2: OCI_MANIFEST } } });
    const c = client();
    const [a, b] = await Promise.all([
      c.checkPull(conn(s), ALICE, { repository: 'acme/app', reference: 'v1' }),
      c.checkPull(conn(s), ALICE, { repository: 'acme/web', reference: 'v2' }),
    ]);
    assert.equal(a.verdict, 'ok');
    assert.equal(b.verdict, 'ok');
    assert.equal(s.requests.filter((r) => r.url === '/v2/').length, 1);
    assert.equal(c.requestCount, 5, 'one ping, two tokens (two scopes), two HEADs');
  });

  void test('at most maxConcurrencyPerRegistry requests in flight per host', async () => {
    const images: Record<string, Record<string, string>> = {};
    for (let i = 0; i < 8; i++) images[`acme/app${i}`] = { v1: OCI_MANIFEST };
    const registry = scriptedRegistry({ auth: 'open', images });
    const held: Array<() => void> = [];
    let holding = true;
    const s = await server((req, res) => {
      if (req.method === 'HEAD' && holding) held.push(() => registry(req, res));
      else registry(req, res);
    });
    const c = client({ maxConcurrencyPerRegistry: 2 });
    const all = Promise.all(Object.keys(images).map((repository) => c.checkPull(conn(s), undefined, { repository, reference: 'v1' })));
    await waitFor(() => held.length === 2, 'two HEADs held');
    // Give every other check the chance to send; the limit must keep them queued.
    for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
    assert.equal(held.length, 2);
    holding = false;
    for (const release of held.splice(0)) release();
    const results = await all;
    assert.ok(results.every((r) => r.verdict === 'ok'));
    assert.ok(s.maxInFlight <= 2, `max in flight ${s.maxInFlight}`);
  });

  void test('invalidate(endpoint) drops tokens and results for that registry only; cacheTtlMs 0 disables the result cache', async () => {
    const s1 = await bearerRegistry();
    const s2 = await bearerRegistry();
    const c = client();
    const target = { repository: 'acme/app', reference: 'v1' };
    await c.checkPull(conn(s1), ALICE, target);
    await c.checkPull(conn(s2), ALICE, target);
    c.invalidate(s1.host);
    assert.equal((await c.checkPull(conn(s1), ALICE, target)).requests, 3);
    assert.equal((await c.checkPull(conn(s2), ALICE, target)).requests, 0);

    const uncached = client({ cacheTtlMs: 0 });
    await uncached.checkPull(conn(s1), ALICE, target);
    assert.equal((await uncached.checkPull(conn(s1), ALICE, target)).requests, 1);
  });

  void test('different credentials never share a cached result', async () => {
    const s = await bearerRegistry({ pullable: { alice: ['acme/app'], bob: [] } });
    const c = client();
    const target = { repository: 'acme/app', reference: 'v1' };
    assert.equal((await c.checkPull(conn(s), ALICE, target)).verdict, 'ok');
    assert.equal((await c.checkPull(conn(s), BOB, target)).verdict, 'denied');
    assert.equal((await c.checkPull(conn(s), { username: 'alice', secret: 'wrong-S3cret-unit' }, target)).verdict, 'unauthorized');
  });
});

void describe('platforms, listing, logging', () => {
  void test('readPlatforms lists an index platforms (attestations skipped)', async () => {
    const s = await bearerRegistry({ images: { 'acme/multi': { v1: OCI_INDEX } } });
    const result = await client().checkPull(conn(s), ALICE, { repository: 'acme/multi', reference: 'v1' }, { readPlatforms: true });
    assert.equal(result.verdict, 'ok');
    assert.equal(result.mediaType, OCI_INDEX);
    assert.deepEqual(result.platforms, ['linux/amd64', 'linux/arm64/v8']);
    assert.equal(result.requests, 4);
  });

  void test('listTags follows Link pages, stops on a cyclic link, returns a cursor at maxPages', async () => {
    const pages: Record<string, { tags: string[]; next?: string }> = {
      '/v2/acme/app/tags/list?n=2': { tags: ['a', 'b'], next: '/v2/acme/app/tags/list?n=2&last=b' },
      '/v2/acme/app/tags/list?n=2&last=b': { tags: ['c', 'd'], next: '/v2/acme/app/tags/list?n=2&last=d' },
      '/v2/acme/app/tags/list?n=2&last=d': { tags: ['e'], next: '/v2/acme/app/tags/list?n=2' }, // cycles back
    };
    const s = await server((req, res) => {
      if (req.url === '/v2/') return json(res, 200, {});
      const page = pages[req.url];
      if (!page) return registryError(res, 404, 'NAME_UNKNOWN');
      json(res, 200, { name: 'acme/app', tags: page.tags }, page.next ? { link: `<${page.next}>; rel="next"` } : {});
    });
    const c = client();
    const all = await c.listTags(conn(s), undefined, 'acme/app', { pageSize: 2 });
    assert.deepEqual(all, { tags: ['a', 'b', 'c', 'd', 'e'] });
    const firstTwo = await c.listTags(conn(s), undefined, 'acme/app', { pageSize: 2, maxPages: 2 });
    assert.deepEqual(firstTwo, { tags: ['a', 'b', 'c', 'd'], cursor: '/v2/acme/app/tags/list?n=2&last=d' });
    const rest = await c.listTags(conn(s), undefined, 'acme/app', { cursor: firstTwo.cursor ?? '' });
    assert.deepEqual(rest.tags, ['e', 'a', 'b', 'c', 'd']);
    await assert.rejects(c.listTags(conn(s), undefined, 'acme/app', { cursor: 'http://elsewhere.example/v2/x' }), RegistryRequestError);
    await assert.rejects(
      c.listTags(conn(s), undefined, 'acme/none'),
      (error: unknown) => error instanceof RegistryRequestError && error.verdict === 'repository-not-found' && Boolean(error.hint ?? error.message),
    );
  });

  void test('a registry that repeats the same page forever is stopped', async () => {
    const s = await server((req, res) => {
      if (req.url === '/v2/') return json(res, 200, {});
      json(res, 200, { repositories: ['one', 'two'] }, { link: `</v2/_catalog?n=2&last=two&i=${s.requests.length}>; rel="next"` });
    });
    const result = await client().listRepositories(conn(s), undefined, { pageSize: 2 });
    assert.deepEqual(result, { repositories: ['one', 'two'] });
    assert.equal(s.requests.length, 3, 'ping, page 1, page 2 (nothing new: stop)');
  });

  void test('listTags failures carry a verdict (unauthorized)', async () => {
    const s = await bearerRegistry();
    await assert.rejects(
      client().listTags(conn(s), { username: 'alice', secret: 'wrong-S3cret-unit' }, 'acme/app'),
      (error: unknown) => error instanceof RegistryRequestError && error.verdict === 'unauthorized' && error.httpStatus === 401,
    );
  });

  void test('debug log: one line per request with method, URL and status; never a secret or an Authorization value', async () => {
    const lines: string[] = [];
    const logger: Logger = { error: (m) => lines.push(m), warn: (m) => lines.push(m), info: (m) => lines.push(m), debug: (m) => lines.push(m) };
    const s = await bearerRegistry();
    const result = await client({ logger }).checkPull(conn(s), ALICE, { repository: 'acme/app', reference: 'v1' });
    assert.equal(result.verdict, 'ok');
    const all = lines.join('\n');
    assert.match(all, new RegExp(`GET http://${s.host}/v2/ → 401`));
    assert.match(all, /GET http:\/\/127\.0\.0\.1:\d+\/token\?service=fake-registry&scope=repository%3Aacme%2Fapp%3Apull → 200/);
    assert.match(all, /HEAD http:\/\/127\.0\.0\.1:\d+\/v2\/acme\/app\/manifests\/v1 → 200/);
    assertNoSecrets(all);
    assert.ok(!all.includes('tok-alice-1'), 'the bearer token is never logged');
    assert.ok(!all.includes(Buffer.from(`alice:${ALICE.secret}`).toString('base64')));
  });
});

void test('nextLinkFrom reads rel="next" among several links', () => {
  assert.equal(nextLinkFrom(['</v2/a/tags/list?n=1&last=x>; rel="next"']), '/v2/a/tags/list?n=1&last=x');
  assert.equal(nextLinkFrom(['<https://r.example/prev>; rel="prev", <https://r.example/next?a=1,2>; rel="next"']), 'https://r.example/next?a=1,2');
  assert.equal(nextLinkFrom(['<https://r.example/x>; rel=next']), 'https://r.example/x');
  assert.equal(nextLinkFrom(['<https://r.example/x>; rel="prev"']), undefined);
  assert.equal(nextLinkFrom([]), undefined);
});

void test('an HTTP proxy from the options carries the traffic (CONNECT or absolute-form)', async () => {
  const registry = await bearerRegistry();
  const seen: string[] = [];
  const sockets = new Set<net.Socket>();
  const proxy = http.createServer((req, res) => {
    seen.push(`${req.method ?? ''} ${req.url ?? ''}`);
    const upstream = http.request(req.url ?? '', { method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    req.pipe(upstream);
  });
  proxy.on('connection', (socket: net.Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  proxy.on('connect', (req: http.IncomingMessage, clientSocket: net.Socket, head: Buffer) => {
    seen.push(`CONNECT ${req.url ?? ''}`);
    const [host = '', port = ''] = (req.url ?? '').split(':');
    const upstream = net.connect(Number(port), host, () => {
      clientSocket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(clientSocket);
      clientSocket.pipe(upstream);
    });
    sockets.add(upstream);
    upstream.on('error', () => clientSocket.destroy());
    clientSocket.on('error', () => upstream.destroy());
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  try {
    const proxyUrl = `http://127.0.0.1:${(proxy.address() as net.AddressInfo).port}`;
    const result = await client({ proxy: { httpProxy: proxyUrl, httpsProxy: proxyUrl, noProxy: '' } }).checkPull(conn(registry), ALICE, { repository: 'acme/app', reference: 'v1' });
    assert.equal(result.verdict, 'ok', JSON.stringify(result));
    assert.ok(seen.length >= 1, 'the proxy saw the traffic');
    assert.ok(seen.every((line) => line.includes(registry.host)), seen.join('\n'));
  } finally {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => proxy.close(() => resolve()));
  }
});

void test('Google registries: an empty username is chosen from the secret (JSON key → _json_key, else oauth2accesstoken)', async () => {
  const key = '{"type": "service_account", "private_key": "-----BEGIN PRIVATE KEY-----unit-not-real"}';
  const s = await server(scriptedRegistry({ auth: 'bearer', users: { _json_key: key, oauth2accesstoken: 'ya29.unit-not-real' } }));
  const c = client();
  const viaKey = await c.checkPull(conn(s, { provider: 'gar' }), { username: '', secret: key }, { repository: 'acme/app', reference: 'v1' });
  assert.equal(viaKey.verdict, 'ok', JSON.stringify(viaKey));
  const viaToken = await c.checkPull(conn(s, { provider: 'gcr' }), { username: '', secret: 'ya29.unit-not-real' }, { repository: 'acme/app', reference: 'v1' });
  assert.equal(viaToken.verdict, 'ok', JSON.stringify(viaToken));
  const users = s.requests
    .filter((r) => r.url.startsWith('/token'))
    .map((r) => Buffer.from(String(r.headers.authorization).slice(6), 'base64').toString('utf8').split(':')[0]);
  assert.deepEqual(users, ['_json_key', 'oauth2accesstoken']);
  const wrong = await c.checkPull(conn(s, { provider: 'gar' }), { username: '_json_key', secret: '{"type":"other"}' }, { repository: 'acme/app', reference: 'v1' });
  assert.equal(wrong.verdict, 'unauthorized');
  assert.match(wrong.hint ?? '', /_json_key/);
  assert.ok(!JSON.stringify([viaKey, viaToken, wrong]).includes('unit-not-real'));
});

void test('a registry that refuses HEAD on manifests (405) is asked with GET', async () => {
  const inner = scriptedRegistry({ auth: 'open' });
  const s = await server((req, res) => {
    if (req.method === 'HEAD') {
      res.writeHead(405);
      res.end();
      return;
    }
    inner(req, res);
  });
  const result = await client().checkPull(conn(s), undefined, { repository: 'acme/app', reference: 'v1' });
  assert.equal(result.verdict, 'ok', JSON.stringify(result));
  assert.equal(result.digest, DIGEST);
  assert.deepEqual(s.requests.map((r) => r.method), ['GET', 'HEAD', 'GET']);
});

void describe('identity token (OAuth2 refresh token from `docker login`)', () => {
  const IDENTITY: Credentials = { username: '<token>', secret: 'refresh-S3cret-unit', identityToken: 'refresh-S3cret-unit' };

  /** A token realm that only speaks the refresh-token grant, and a registry that accepts what it issues. */
  async function oauthRegistry(validRefreshToken: string): Promise<FakeServer> {
    const s = await server((req, res) => {
      const url = new URL(req.url, 'http://x');
      if (url.pathname === '/token') {
        if (req.method !== 'POST') return json(res, 405, { error: 'unsupported_method' });
        const form = new URLSearchParams(req.body);
        if (form.get('grant_type') !== 'refresh_token') return json(res, 400, { error: 'unsupported_grant_type' });
        if (form.get('refresh_token') !== validRefreshToken) return json(res, 400, { error: 'invalid_grant' });
        return json(res, 200, { access_token: `access-for-${form.get('scope') ?? ''}`, refresh_token: 'rotated-S3cret-unit', expires_in: 300 });
      }
      const challenge = { 'www-authenticate': `Bearer realm="http://${req.headers.host ?? ''}/token",service="oauth-registry"` };
      if (req.headers.authorization !== 'Bearer access-for-repository:acme/app:pull') return registryError(res, 401, 'UNAUTHORIZED', challenge);
      if (url.pathname === '/v2/acme/app/manifests/v1') {
        res.writeHead(200, { 'content-type': OCI_MANIFEST, 'docker-content-digest': DIGEST });
        return res.end();
      }
      return registryError(res, 404, 'NOT_FOUND');
    });
    return s;
  }

  void test('the token step POSTs grant_type=refresh_token with service and scope, and the access token pulls', async () => {
    const s = await oauthRegistry(IDENTITY.secret);
    const result = await client().checkPull(conn(s), IDENTITY, { repository: 'acme/app', reference: 'v1' });
    assert.equal(result.verdict, 'ok', JSON.stringify(result));
    assert.equal(result.requests, 3, 'ping, token, HEAD');
    const tokenRequest = s.requests.find((r) => r.url.startsWith('/token'));
    assert.ok(tokenRequest);
    assert.equal(tokenRequest.method, 'POST');
    assert.equal(tokenRequest.url, '/token', 'the refresh token travels in the body, never in the URL');
    assert.equal(tokenRequest.headers.authorization, undefined);
    assert.match(String(tokenRequest.headers['content-type']), /application\/x-www-form-urlencoded/);
    const form = new URLSearchParams(tokenRequest.body);
    assert.equal(form.get('grant_type'), 'refresh_token');
    assert.equal(form.get('refresh_token'), IDENTITY.secret);
    assert.equal(form.get('service'), 'oauth-registry');
    assert.equal(form.get('scope'), 'repository:acme/app:pull');
    assert.ok(form.get('client_id'));
  });

  void test('a revoked identity token: unauthorized, with "docker login" as the next step, and no secret in the result', async () => {
    const s = await oauthRegistry('some-other-refresh-token');
    const result = await client().checkPull(conn(s), IDENTITY, { repository: 'acme/app', reference: 'v1' });
    assert.equal(result.verdict, 'unauthorized', JSON.stringify(result));
    assert.equal(result.httpStatus, 400);
    assert.match(result.message, /identity token/);
    assert.match(result.hint ?? '', /docker login/);
    assert.ok(!JSON.stringify(result).includes(IDENTITY.secret));
  });

  void test('a token realm that redirects the refresh-token POST to another host: the body (and the token in it) is not forwarded', async () => {
    const elsewhere = await server((_req, res) => json(res, 200, { access_token: 'stolen' }));
    const s = await server((req, res) => {
      if (req.url.startsWith('/token')) {
        res.writeHead(307, { location: `http://localhost:${elsewhere.port}/token` });
        return res.end();
      }
      return registryError(res, 401, 'UNAUTHORIZED', { 'www-authenticate': `Bearer realm="http://${req.headers.host ?? ''}/token",service="oauth-registry"` });
    });
    const result = await client().checkPull(conn(s), IDENTITY, { repository: 'acme/app', reference: 'v1' });
    assert.equal(result.verdict, 'protocol-error', JSON.stringify(result));
    assert.match(result.message, /redirected a request that carries a body to another host/);
    assert.deepEqual(elsewhere.requests, [], 'the other host got nothing');
  });

  void test('plain credentials still use the Basic-authenticated GET', async () => {
    const s = await bearerRegistry();
    const result = await client().checkPull(conn(s), ALICE, { repository: 'acme/app', reference: 'v1' });
    assert.equal(result.verdict, 'ok', JSON.stringify(result));
    assert.equal(s.requests.find((r) => r.url.startsWith('/token'))?.method, 'GET');
  });
});
