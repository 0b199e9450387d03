/**
 * Small scripted HTTP(S) servers on 127.0.0.1 (port chosen by the OS) for the registry client's
 * protocol unit tests. Not a registry: each test says exactly what every path answers. Real
 * `docker-registry` processes are the integration layer's (test/harness).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo, Server, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface RecordedRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export type Handler = (req: RecordedRequest, res: http.ServerResponse) => void;

export interface FakeServer {
  /** `http://127.0.0.1:PORT` (or https). */
  url: string;
  /** `127.0.0.1:PORT` */
  host: string;
  port: number;
  requests: RecordedRequest[];
  /** Requests currently being answered (for concurrency assertions). */
  inFlight: number;
  maxInFlight: number;
  handle(handler: Handler): void;
  close(): Promise<void>;
}

export async function startFakeServer(handler: Handler, tls?: { cert: string; key: string }): Promise<FakeServer> {
  let current = handler;
  const sockets = new Set<Socket>();
  const state: FakeServer = {
    url: '',
    host: '',
    port: 0,
    requests: [],
    inFlight: 0,
    maxInFlight: 0,
    handle(next) {
      current = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
  const listener = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const recorded: RecordedRequest = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      state.requests.push(recorded);
      state.inFlight++;
      state.maxInFlight = Math.max(state.maxInFlight, state.inFlight);
      res.on('close', () => state.inFlight--);
      current(recorded, res);
    });
  };
  const server: Server = tls ? https.createServer({ cert: tls.cert, key: tls.key }, listener) : http.createServer(listener);
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  state.port = port;
  state.host = `127.0.0.1:${port}`;
  state.url = `${tls ? 'https' : 'http'}://127.0.0.1:${port}`;
  return state;
}

export function json(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

export function registryError(res: http.ServerResponse, status: number, code: string, headers: Record<string, string> = {}): void {
  json(res, status, { errors: [{ code, message: code.toLowerCase().replace(/_/g, ' '), detail: null }] }, headers);
}

/** Polls `condition` until it holds or the deadline passes (no fixed sleeps). */
export async function waitFor(condition: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** A throwaway self-signed certificate for 127.0.0.1 (openssl), usable as its own CA file. */
export function selfSignedCertificate(): { cert: string; key: string; certFile: string; dispose: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), 'registry-unit-tls-'));
  const certFile = path.join(dir, 'cert.pem');
  const keyFile = path.join(dir, 'key.pem');
  execFileSync(
    'openssl',
    ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', keyFile, '-out', certFile, '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-addext', 'basicConstraints=critical,CA:TRUE'],
    { stdio: 'ignore' },
  );
  return { cert: readFileSync(certFile, 'utf8'), key: readFileSync(keyFile, 'utf8'), certFile, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}

export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
export const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
export const DIGEST = `sha256:${'ab'.repeat(32)}`;

export interface ScriptedRegistryOptions {
  /** `bearer` (token realm on the same server at /token), `basic`, or `open` (no login). */
  auth: 'bearer' | 'basic' | 'open';
  users?: Record<string, string>;
  /** Repositories a user may pull (`*` = all); absent = all. */
  pullable?: Record<string, string[]>;
  /** repository → tag → media type */
  images?: Record<string, Record<string, string>>;
  tokenBody?: (user: string | undefined) => Record<string, unknown>;
  /** Scheme of the token realm URL (the server's own). Default http. */
  scheme?: 'http' | 'https';
}

/**
 * A scripted registry good enough for the protocol paths: `/v2/` ping, `/token` realm, HEAD/GET
 * manifests, tags/list. Tokens are `tok-<user>-<n>`.
 */
export function scriptedRegistry(options: ScriptedRegistryOptions): Handler {
  let issued = 0;
  const images = options.images ?? { 'acme/app': { v1: OCI_MANIFEST } };
  const tokens = new Map<string, string | undefined>();
  const userFromBasic = (value: string | undefined): string | undefined => {
    if (!value?.startsWith('Basic ')) return undefined;
    const [user, ...rest] = Buffer.from(value.slice(6), 'base64').toString('utf8').split(':');
    const password = rest.join(':');
    return user !== undefined && options.users?.[user] === password ? user : '!bad';
  };
  const mayPull = (user: string | undefined, repository: string): boolean => {
    const allowed = options.pullable?.[user ?? ''];
    if (!options.pullable) return true;
    return Boolean(allowed && (allowed.includes('*') || allowed.includes(repository)));
  };
  return (req, res) => {
    const url = new URL(req.url, 'http://x');
    const challenge = (error?: string): Record<string, string> =>
      options.auth === 'bearer'
        ? { 'www-authenticate': `Bearer realm="${options.scheme ?? 'http'}://${req.headers.host ?? ''}/token",service="fake-registry"${error ? `,error="${error}"` : ''}` }
        : { 'www-authenticate': 'Basic realm="fake"' };
    if (url.pathname === '/token') {
      const auth = req.headers.authorization;
      const user = auth ? userFromBasic(auth) : undefined;
      if (user === '!bad') return json(res, 401, { details: 'incorrect username or password' });
      issued++;
      const token = `tok-${user ?? 'anon'}-${issued}`;
      tokens.set(token, user);
      return json(res, 200, options.tokenBody ? { token, ...options.tokenBody(user) } : { token, expires_in: 300 });
    }
    let user: string | undefined;
    const auth = req.headers.authorization;
    if (options.auth === 'bearer') {
      if (!auth?.startsWith('Bearer ')) return registryError(res, 401, 'UNAUTHORIZED', challenge());
      const token = auth.slice(7);
      if (!tokens.has(token)) return registryError(res, 401, 'UNAUTHORIZED', challenge('invalid_token'));
      user = tokens.get(token);
    } else if (options.auth === 'basic') {
      user = userFromBasic(auth);
      if (!user || user === '!bad') return registryError(res, 401, 'UNAUTHORIZED', challenge());
    }
    if (url.pathname === '/v2/') return json(res, 200, {}, { 'docker-distribution-api-version': 'registry/2.0' });
    const manifest = /^\/v2\/(.+)\/manifests\/([^/]+)$/.exec(url.pathname);
    const tagsList = /^\/v2\/(.+)\/tags\/list$/.exec(url.pathname);
    const repository = manifest?.[1] ?? tagsList?.[1] ?? '';
    if ((manifest || tagsList) && !mayPull(user, repository)) {
      if (options.auth === 'bearer') return registryError(res, 401, 'UNAUTHORIZED', challenge('insufficient_scope'));
      return registryError(res, 403, 'DENIED');
    }
    const repo = images[repository];
    if (manifest) {
      const mediaType = repo?.[manifest[2] ?? ''];
      if (!repo || !mediaType) {
        if (req.method === 'HEAD') {
          res.writeHead(404, { 'content-type': 'application/json' });
          return res.end();
        }
        return registryError(res, 404, repo ? 'MANIFEST_UNKNOWN' : 'NAME_UNKNOWN');
      }
      const body =
        mediaType === OCI_INDEX
          ? JSON.stringify({
              schemaVersion: 2,
              mediaType,
              manifests: [
                { mediaType: OCI_MANIFEST, digest: DIGEST, size: 1, platform: { os: 'linux', architecture: 'amd64' } },
                { mediaType: OCI_MANIFEST, digest: DIGEST, size: 1, platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } },
                { mediaType: OCI_MANIFEST, digest: DIGEST, size: 1, platform: { os: 'unknown', architecture: 'unknown' } },
              ],
            })
          : JSON.stringify({ schemaVersion: 2, mediaType });
      res.writeHead(200, { 'content-type': mediaType, 'docker-content-digest': DIGEST, 'content-length': Buffer.byteLength(body) });
      return res.end(req.method === 'HEAD' ? undefined : body);
    }
    if (tagsList) {
      if (!repo) return registryError(res, 404, 'NAME_UNKNOWN');
      return json(res, 200, { name: repository, tags: Object.keys(repo) });
    }
    return registryError(res, 404, 'NOT_FOUND');
  };
}
