/**
 * The token server of a token-auth registry (the Docker "token authentication" protocol that Docker Hub,
 * GHCR and Quay speak): GET /token?service=...&scope=repository:NAME:ACTIONS with optional Basic
 * credentials, answered with an RS256 JWT the registry verifies against the signing certificate.
 * It grants only what each user may do, so tests can tell "bad password" (401 here) from "logged in but
 * not allowed" (a token without the scope, which the registry then rejects).
 */
import { createPrivateKey, createSign, randomUUID, X509Certificate, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';

export interface TokenUser {
  password: string;
  /** Repository names, or `prefix/*` globs (`*` alone: every repository), this user may pull. */
  pull: string[];
  /** Repository names or globs this user may push to (the harness's admin user has `*`). */
  push?: string[];
}

export interface TokenServerOptions {
  users: Record<string, TokenUser>;
  /** Repositories anyone may pull without credentials. */
  anonymousPull?: string[];
  issuer: string;
  service: string;
  signingCertFile: string;
  signingKeyFile: string;
  /** Serve over https with this certificate (same CA as the registry). */
  tls?: { certFile: string; keyFile: string };
  /** Lifetime of issued tokens in seconds (what `expires_in` says). */
  expiresInSeconds?: number;
}

export interface RunningTokenServer {
  /** The realm: `http(s)://127.0.0.1:PORT/token`. */
  url: string;
  /** Token requests served so far (any outcome). */
  readonly requests: number;
  stop(): Promise<void>;
}

interface AccessEntry {
  type: string;
  name: string;
  actions: string[];
}

function matchesAny(patterns: readonly string[] | undefined, repository: string): boolean {
  return (patterns ?? []).some((pattern) => (pattern.endsWith('*') ? repository.startsWith(pattern.slice(0, -1)) : pattern === repository));
}

function base64url(input: Buffer | string): string {
  return Buffer.from(input).toString('base64url');
}

/** Parses `repository:NAME:pull,push` (NAME may itself contain `:` for a port-qualified name; rare). */
function parseScope(scope: string): AccessEntry | undefined {
  const first = scope.indexOf(':');
  const last = scope.lastIndexOf(':');
  if (first <= 0 || last <= first) return undefined;
  return { type: scope.slice(0, first), name: scope.slice(first + 1, last), actions: scope.slice(last + 1).split(',').filter(Boolean) };
}

function grantedActions(user: TokenUser | undefined, anonymousPull: readonly string[] | undefined, requested: AccessEntry): string[] {
  if (requested.type !== 'repository') return [];
  return requested.actions.filter((action) => {
    if (action === 'pull') return user ? matchesAny(user.pull, requested.name) : matchesAny(anonymousPull, requested.name);
    if (action === 'push' || action === '*' || action === 'delete') return user ? matchesAny(user.push, requested.name) : false;
    return false;
  });
}

function signJwt(claims: Record<string, unknown>, key: KeyObject, certDerBase64: string): string {
  const header = { alg: 'RS256', typ: 'JWT', x5c: [certDerBase64] };
  const signingInput = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(claims))}`;
  const signature = createSign('RSA-SHA256').update(signingInput).sign(key);
  return `${signingInput}.${base64url(signature)}`;
}

/** Reads `Authorization: Basic ...`; undefined when absent, null when malformed. */
function parseBasic(header: string | undefined): { username: string; password: string } | undefined | null {
  if (!header) return undefined;
  const match = /^Basic\s+(\S+)$/i.exec(header);
  if (!match?.[1]) return null;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return null;
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

export async function startTokenServer(options: TokenServerOptions): Promise<RunningTokenServer> {
  const key = createPrivateKey(readFileSync(options.signingKeyFile));
  const certDerBase64 = new X509Certificate(readFileSync(options.signingCertFile)).raw.toString('base64');
  const expiresIn = options.expiresInSeconds ?? 300;
  let requests = 0;

  const handler: http.RequestListener = (req, res) => {
    requests += 1;
    const url = new URL(req.url ?? '/', 'http://token.invalid');
    const sendJson = (status: number, body: unknown, headers: Record<string, string> = {}): void => {
      res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
      res.end(JSON.stringify(body));
    };
    if (req.method !== 'GET' || url.pathname !== '/token') {
      sendJson(404, { errors: [{ code: 'NOT_FOUND', message: `the token server only answers GET /token, not ${req.method} ${url.pathname}` }] });
      return;
    }
    const service = url.searchParams.get('service');
    if (service !== options.service) {
      sendJson(400, { errors: [{ code: 'INVALID_REQUEST', message: `unknown service "${service ?? ''}"; this token server issues tokens for "${options.service}"` }] });
      return;
    }
    const login = parseBasic(req.headers.authorization);
    let user: TokenUser | undefined;
    if (login === null) {
      sendJson(400, { errors: [{ code: 'INVALID_REQUEST', message: 'malformed Basic authorization header' }] });
      return;
    }
    if (login) {
      user = Object.hasOwn(options.users, login.username) ? options.users[login.username] : undefined;
      if (!user || user.password !== login.password) {
        sendJson(401, { errors: [{ code: 'UNAUTHORIZED', message: 'authentication failed: incorrect username or password' }] }, { 'WWW-Authenticate': 'Basic realm="token"' });
        return;
      }
    }
    // Several scope parameters may come, and one may hold several space-separated scopes.
    const requested = url.searchParams.getAll('scope').flatMap((value) => value.split(' ')).filter(Boolean).map(parseScope);
    const access: AccessEntry[] = [];
    for (const entry of requested) {
      if (!entry) continue;
      const actions = grantedActions(user, options.anonymousPull, entry);
      // A scope with no granted action is left out of the token, as Docker Hub's auth server does.
      if (actions.length > 0) access.push({ type: entry.type, name: entry.name, actions });
    }
    const now = Math.floor(Date.now() / 1000);
    const token = signJwt(
      { iss: options.issuer, sub: login?.username ?? '', aud: options.service, exp: now + expiresIn, nbf: now - 5, iat: now, jti: randomUUID(), access },
      key,
      certDerBase64,
    );
    sendJson(200, { token, access_token: token, expires_in: expiresIn, issued_at: new Date(now * 1000).toISOString() });
  };

  const server = options.tls
    ? https.createServer({ cert: readFileSync(options.tls.certFile), key: readFileSync(options.tls.keyFile) }, handler)
    : http.createServer(handler);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port: 0 }, resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}/token`,
    get requests() {
      return requests;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
