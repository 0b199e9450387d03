/**
 * A LOCAL STAND-IN for the hosted Replicated proxy registry (proxy.replicated.com), which cannot run
 * here. It models only what the tests rely on, and says so in every answer (`X-Stand-In` header):
 *  - a customer authenticates with the license ID as the password (user: the customer's email, or
 *    `LICENSE_ID` as in the pull secret KOTS creates) — an unknown license gets 401;
 *  - a license pulls only through its own app's path (`/v2/proxy/<app>/...`) — another app gets 403 DENIED;
 *  - the image after the app names a connected registry by host or by registry name, and the stand-in
 *    pulls it from that REAL registry (a docker-registry of the harness) with the vendor's credentials,
 *    answering with what the registry said (digest and media type, MANIFEST_UNKNOWN, NAME_UNKNOWN...).
 * What the real proxy also checks and this cannot: the license's entitlements (expiry, type, which
 * channel and release it may pull, so which images), registries scoped by App Access, custom domains
 * bound to channels, and pull-through caching. Anything else it is asked is refused (404/405).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { RegistryClient } from '../../server/src/registry/registryClient';
import type { ConnectionSettings, Credentials } from '../../server/src/registry/types';

export const STAND_IN_HEADER = 'replicated proxy stand-in (test/harness/proxyStandIn.ts): checks the license and the app only';

export interface ProxyStandInOptions {
  /** Known licenses: license ID → the app slug it is for. */
  licenses: Record<string, string>;
  /** The team's connected registries the proxy pulls from. */
  registries: Array<{ name: string; connection: ConnectionSettings; credentials: Credentials }>;
}

export interface ProxyStandInRequest {
  method: string;
  path: string;
  /** The user name of the Basic login (never the license). */
  user?: string;
  status: number;
}

export interface RunningProxyStandIn {
  /** `127.0.0.1:PORT`: the proxy domain to use (plain HTTP, as Docker speaks to a loopback registry). */
  host: string;
  requests: ProxyStandInRequest[];
  stop(): Promise<void>;
}

function basicLogin(header: string | undefined): { user: string; password: string } | undefined {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)$/.exec(header ?? '');
  if (!match) return undefined;
  const decoded = Buffer.from(match[1] as string, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? undefined : { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

export async function startProxyStandIn(options: ProxyStandInOptions): Promise<RunningProxyStandIn> {
  const requests: ProxyStandInRequest[] = [];
  const upstream = new RegistryClient({ cacheTtlMs: 0 });
  const server = http.createServer((request, response) => {
    void (async () => {
      const method = request.method ?? 'GET';
      const url = new URL(request.url ?? '/', 'http://stand-in');
      const login = basicLogin(request.headers.authorization);
      const send = (status: number, body: unknown, headers: Record<string, string> = {}): void => {
        requests.push({ method, path: url.pathname, ...(login ? { user: login.user } : {}), status });
        const text = JSON.stringify(body);
        response.writeHead(status, { 'content-type': 'application/json', 'x-stand-in': STAND_IN_HEADER, 'docker-distribution-api-version': 'registry/2.0', ...headers });
        response.end(method === 'HEAD' ? undefined : text);
      };
      const error = (status: number, code: string, message: string, headers: Record<string, string> = {}): void => send(status, { errors: [{ code, message }] }, headers);
      const licenseApp = login ? options.licenses[login.password] : undefined;
      if (!login || licenseApp === undefined) {
        error(401, 'UNAUTHORIZED', 'a license ID is required (stand-in)', { 'www-authenticate': 'Basic realm="Replicated proxy (local stand-in)"' });
        return;
      }
      if (url.pathname === '/v2/' || url.pathname === '/v2') {
        send(200, {});
        return;
      }
      const manifest = /^\/v2\/proxy\/([^/]+)\/(.+)\/manifests\/([^/]+)$/.exec(url.pathname);
      if (!manifest || (method !== 'HEAD' && method !== 'GET')) {
        error(404, 'UNSUPPORTED', 'the stand-in serves only manifests under /v2/proxy/<app>/');
        return;
      }
      const [, app, image, reference] = manifest as unknown as [string, string, string, string];
      if (app !== licenseApp) {
        error(403, 'DENIED', `this license is for the app "${licenseApp}", not "${app}" (stand-in)`);
        return;
      }
      const slash = image.indexOf('/');
      const first = slash < 0 ? '' : image.slice(0, slash);
      const registry = options.registries.find((candidate) => candidate.name === first || candidate.connection.endpoint === first);
      if (!registry) {
        error(404, 'NAME_UNKNOWN', `no registry "${first}" is connected for this app (stand-in)`);
        return;
      }
      const result = await upstream.checkPull(registry.connection, registry.credentials, { repository: image.slice(slash + 1), reference });
      switch (result.verdict) {
        case 'ok':
          send(200, {}, { ...(result.digest ? { 'docker-content-digest': result.digest } : {}), ...(result.mediaType ? { 'content-type': result.mediaType } : {}) });
          return;
        case 'tag-not-found':
          error(404, 'MANIFEST_UNKNOWN', 'manifest unknown upstream (stand-in)');
          return;
        case 'repository-not-found':
          error(404, 'NAME_UNKNOWN', 'repository unknown upstream (stand-in)');
          return;
        case 'unauthorized':
        case 'denied':
          error(403, 'DENIED', "the proxy's credentials for this registry cannot pull it (stand-in)");
          return;
        default:
          error(502, 'UNAVAILABLE', `upstream: ${result.verdict} (stand-in)`);
      }
    })().catch(() => {
      response.writeHead(500);
      response.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    host: `127.0.0.1:${port}`,
    requests,
    stop: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await upstream.close();
    },
  };
}
