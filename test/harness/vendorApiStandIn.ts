/**
 * A LOCAL STAND-IN for the hosted Replicated Vendor API v3 (https://api.replicated.com/vendor),
 * which cannot run here. It is not Replicated's service: it implements only the documented contract
 * the `replicated` CLI is held to — the pact file replicatedhq/replicated pacts/replicated-cli-vendor-api.json
 * (replayed against it by test/unit/vendorApiPact.test.ts), the CLI's own requests
 * (pkg/kotsclient/registry_*.go, custom_hostname.go, `GET /v3/apps`) and the Vendor API reference's
 * create fields — and rejects everything the hosted API would not match: a `Bearer` prefix, a wrong
 * token, a request without `Content-Type: application/json` (the pact records it on every request),
 * unknown fields, wrong methods or paths, and a test or logs call that names a registry by anything
 * but its endpoint (the field is `endpoint`; see vendorApiClient.ts for why), so the suite catches a
 * client that sends the slug. DELETE takes the slug. Tests use it to prove our client speaks exactly
 * that contract.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Verdict } from '../../server/src/registry/types';

export interface StandInRegistry {
  provider: string;
  endpoint: string;
  slug: string;
  authType: string;
  username: string;
  password: string;
  appIds?: string[];
  lastUsedAt: string | null;
}

export interface StandInRequest {
  method: string;
  path: string;
  authorization: string | undefined;
  body: string;
}

export interface VendorApiStandIn {
  origin: string;
  requests: StandInRequest[];
  registries: StandInRegistry[];
  /** Makes the next `count` requests fail with `status` (for retry tests). */
  failNext(count: number, status: number, body?: unknown): void;
  stop(): Promise<void>;
}

export interface StandInOptions {
  token: string;
  apps?: Array<{ id: string; slug: string; name: string }>;
  customHostnames?: Record<string, { registry: string[]; proxy: string[] }>;
  /** `GET /v3/app/{id}/default-hostnames` per app id (strings, as the API answers them). */
  defaultHostnames?: Record<string, { registry?: string; proxy?: string; downloadPortal?: string; replicatedApp?: string }>;
  /** How the "server-side" test pulls: given the saved registry and the image, the upstream HTTP status. */
  testPull?: (registry: StandInRegistry, image: string) => Promise<number>;
  /** Token whose role may only read (403 on writes, in the API's `{"error":{...}}` form). */
  readOnlyToken?: string;
}

/** The upstream HTTP status the hosted service reports for its own pull with this verdict. */
export function upstreamStatusForVerdict(verdict: Verdict): number {
  switch (verdict) {
    case 'ok':
      return 200;
    case 'tag-not-found':
    case 'repository-not-found':
      return 404;
    case 'unauthorized':
      return 401;
    case 'denied':
      return 403;
    case 'rate-limited':
      return 429;
    default:
      return 502;
  }
}

const ADD_FIELDS = new Set(['provider', 'endpoint', 'slug', 'authType', 'username', 'password', 'appIds', 'skipValidation', 'copyPassword', 'originalSlug']);
const REQUIRED_ADD_FIELDS = ['provider', 'endpoint', 'authType', 'username'];
const PROVIDERS = new Set(['dockerhub', 'ecr', 'gar', 'gcr', 'ghcr', 'quay', 'other']);

export async function startVendorApiStandIn(options: StandInOptions): Promise<VendorApiStandIn> {
  const registries: StandInRegistry[] = [];
  const logs = new Map<string, Array<{ createdAt: string; action: string; statusCode: number | null; isSuccess: boolean; image: string | null }>>();
  const requests: StandInRequest[] = [];
  let failures: Array<{ status: number; body: unknown }> = [];

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const url = new URL(req.url ?? '/', 'http://stand-in');
      requests.push({ method: req.method ?? '', path: url.pathname + url.search, authorization: req.headers.authorization, body });
      void handle(req.method ?? '', url, req.headers, body).then(
        ({ status, json }) => send(res, status, json),
        (err: unknown) => send(res, 500, { message: `stand-in error: ${String(err)}` }),
      );
    });
  });

  function send(res: http.ServerResponse, status: number, json: unknown): void {
    if (status === 204 || json === undefined) {
      res.writeHead(status).end();
      return;
    }
    const text = JSON.stringify(json);
    res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) }).end(text);
  }

  async function handle(method: string, url: URL, headers: http.IncomingHttpHeaders, body: string): Promise<{ status: number; json?: unknown }> {
    const auth = headers.authorization;
    if (!auth) return { status: 401, json: { message: 'missing Authorization header' } };
    if (/^bearer\s/i.test(auth)) return { status: 401, json: { message: 'the Vendor API takes the raw token, not "Bearer <token>"' } };
    const readOnly = options.readOnlyToken !== undefined && auth === options.readOnlyToken;
    if (auth !== options.token && !readOnly) return { status: 401, json: { message: 'invalid token', error_code: 'UNAUTHORIZED' } };
    // The pact records `Content-Type: application/json` on every request the CLI makes, GET and DELETE too.
    if (!/^application\/json/.test(headers['content-type'] ?? '')) return { status: 415, json: { message: 'Content-Type must be application/json' } };
    const failure = failures.shift();
    if (failure) return { status: failure.status, json: failure.body };

    const path = url.pathname;
    const forbidden = { status: 403, json: { error: { code: 'FORBIDDEN', message: 'this token\'s policy does not allow kots/externalregistry/create' } } };

    if (path === '/v3/external_registries') {
      if (method !== 'GET') return { status: 405, json: { message: 'method not allowed' } };
      if (url.search) return { status: 400, json: { message: 'unexpected query' } };
      // The hosted API answers null (not []) for an empty list; so does the stand-in.
      return { status: 200, json: { external_registries: registries.length === 0 ? null : registries.map(publicView) } };
    }
    if (path === '/v3/external_registry') {
      if (method !== 'POST') return { status: 405, json: { message: 'method not allowed' } };
      if (readOnly) return forbidden;
      let parsed: Record<string, unknown>;
      try {
        parsed = JSON.parse(body) as Record<string, unknown>;
      } catch {
        return { status: 400, json: { message: 'invalid JSON' } };
      }
      const unknown = Object.keys(parsed).filter((k) => !ADD_FIELDS.has(k));
      if (unknown.length > 0) return { status: 400, json: { message: `unknown field(s): ${unknown.join(', ')}` } };
      const missing = REQUIRED_ADD_FIELDS.filter((k) => typeof parsed[k] !== 'string' || parsed[k] === '');
      if (missing.length > 0) return { status: 400, json: { message: `missing field(s): ${missing.join(', ')}` } };
      if (!PROVIDERS.has(parsed.provider as string)) return { status: 400, json: { message: `unknown provider ${String(parsed.provider)}` } };
      if (parsed.appIds !== undefined && !(Array.isArray(parsed.appIds) && parsed.appIds.every((a) => typeof a === 'string'))) {
        return { status: 400, json: { message: 'appIds must be an array of strings' } };
      }
      if (typeof parsed.skipValidation !== 'boolean') return { status: 400, json: { message: 'skipValidation must be a boolean' } };
      // Duplicating: the password of `originalSlug` is copied on the server; otherwise a password is required.
      let password = typeof parsed.password === 'string' ? parsed.password : '';
      if (parsed.copyPassword !== undefined && typeof parsed.copyPassword !== 'boolean') return { status: 400, json: { message: 'copyPassword must be a boolean' } };
      if (parsed.copyPassword === true) {
        const original = registries.find((r) => r.slug === parsed.originalSlug);
        if (!original) return { status: 400, json: { message: `copyPassword needs originalSlug naming an existing registry (got ${String(parsed.originalSlug)})` } };
        password = original.password;
      } else if (parsed.originalSlug !== undefined) {
        return { status: 400, json: { message: 'originalSlug goes with copyPassword: true' } };
      }
      if (password === '') return { status: 400, json: { message: 'missing field(s): password' } };
      const registry: StandInRegistry = {
        provider: parsed.provider as string,
        endpoint: parsed.endpoint as string,
        slug: (parsed.slug as string | undefined) || (parsed.endpoint as string),
        authType: parsed.authType as string,
        username: parsed.username as string,
        password,
        ...(parsed.appIds ? { appIds: parsed.appIds } : {}),
        lastUsedAt: null,
      };
      if (registries.some((r) => r.slug === registry.slug)) return { status: 400, json: { message: `an external registry named ${registry.slug} already exists` } };
      if (!parsed.skipValidation && options.testPull) {
        // The hosted API validates the credentials against the registry on add.
        const status = await options.testPull(registry, '');
        if (status === 401) return { status: 400, json: { message: 'failed to validate credentials: unauthorized' } };
      }
      registries.push(registry);
      return { status: 201, json: { external_registry: publicView(registry) } };
    }
    if (path === '/v3/external_registry/test') {
      if (method !== 'PUT') return { status: 405, json: { message: 'method not allowed' } };
      let parsed: Record<string, unknown>;
      try {
        parsed = JSON.parse(body) as Record<string, unknown>;
      } catch {
        return { status: 400, json: { message: 'invalid JSON' } };
      }
      const keys = Object.keys(parsed).sort().join(',');
      if (keys !== 'endpoint,image' || typeof parsed.endpoint !== 'string' || typeof parsed.image !== 'string') {
        return { status: 400, json: { message: 'body must be {"endpoint": string, "image": string}' } };
      }
      // Matched on the endpoint only: a slug here is what the hosted API is not documented to match.
      const registry = registries.find((r) => r.endpoint === parsed.endpoint);
      if (!registry) return { status: 404, json: { message: `no external registry with endpoint ${String(parsed.endpoint)}` } };
      const status = options.testPull ? await options.testPull(registry, parsed.image) : 200;
      const entry = { createdAt: new Date().toISOString(), action: 'test', statusCode: status, isSuccess: status === 200, image: parsed.image };
      logs.set(registry.slug, [...(logs.get(registry.slug) ?? []), entry]);
      registry.lastUsedAt = entry.createdAt;
      return { status: 200, json: { status } };
    }
    if (path === '/v3/external_registry/logs') {
      if (method !== 'GET') return { status: 405, json: { message: 'method not allowed' } };
      const endpoint = url.searchParams.get('endpoint');
      if ([...url.searchParams.keys()].some((k) => k !== 'endpoint') || endpoint === null) return { status: 400, json: { message: 'logs take ?endpoint=HOSTNAME only' } };
      const registry = registries.find((r) => r.endpoint === endpoint);
      if (!registry) return { status: 404, json: { message: `no external registry with endpoint ${endpoint}` } };
      return { status: 200, json: { logs: logs.get(registry.slug) ?? [] } };
    }
    const removeMatch = /^\/v3\/external_registry\/([^/]+)$/.exec(path);
    if (removeMatch) {
      if (method !== 'DELETE') return { status: 405, json: { message: 'method not allowed' } };
      if (readOnly) return forbidden;
      const name = decodeURIComponent(removeMatch[1] ?? '');
      const index = registries.findIndex((r) => r.slug === name);
      if (index < 0) return { status: 404, json: { message: 'external registry not found' } };
      registries.splice(index, 1);
      return { status: 204 };
    }
    if (path === '/v3/apps') {
      if (method !== 'GET') return { status: 405, json: { message: 'method not allowed' } };
      return { status: 200, json: { apps: options.apps ?? [] } };
    }
    const hostnamesMatch = /^\/v3\/app\/([^/]+)\/custom-hostnames$/.exec(path);
    if (hostnamesMatch) {
      if (method !== 'GET') return { status: 405, json: { message: 'method not allowed' } };
      const hosts = options.customHostnames?.[decodeURIComponent(hostnamesMatch[1] ?? '')];
      if (!hosts) return { status: 404, json: { message: 'app not found' } };
      const list = (names: string[]) => names.map((hostname, i) => ({ hostname, is_default: i === 0 }));
      return { status: 200, json: { registry: list(hosts.registry), proxy: list(hosts.proxy), downloadPortal: [], replicatedApp: [] } };
    }
    const defaultsMatch = /^\/v3\/app\/([^/]+)\/default-hostnames$/.exec(path);
    if (defaultsMatch) {
      if (method !== 'GET') return { status: 405, json: { message: 'method not allowed' } };
      const hosts = options.defaultHostnames?.[decodeURIComponent(defaultsMatch[1] ?? '')];
      if (!hosts) return { status: 404, json: { message: 'app not found' } };
      return { status: 200, json: hosts };
    }
    return { status: 404, json: { message: `no such endpoint: ${method} ${path}` } };
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    registries,
    failNext(count, status, body = { message: 'injected failure' }) {
      failures = Array.from({ length: count }, () => ({ status, body }));
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** What the API returns for a registry: never the password. */
function publicView(r: StandInRegistry): Omit<StandInRegistry, 'password'> {
  const { password: _password, ...rest } = r;
  return rest;
}
