/**
 * A hostile host for the attack tests: an HTTP or HTTPS server on a second loopback address (127.0.0.2
 * by default, so it is another host than the real registry on 127.0.0.1, not just another port) that
 * records every request it receives — method, path, headers and body — and answers as the test scripts
 * it: a registry asking for Basic credentials, one naming its own token realm, a registry error that
 * echoes the password back... The tests then read what the attacker actually received.
 */
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { readFileSync } from 'node:fs';
import { createServerCertificate } from './certs';
import { makeTempDir, removeTempDir } from './processes';

export interface CapturedRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface Answer {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

/** How the attacker answers; `self` is its own base URL (for realms and redirects pointing at itself). */
export type Responder = (request: CapturedRequest, self: string) => Answer;

export interface AttackerHost {
  /** `127.0.0.2:PORT`: what a hostile registries file names as the endpoint. */
  host: string;
  /** `https://127.0.0.2:PORT` or `http://...`. */
  url: string;
  /** PEM of the CA of its certificate (TLS only): a hostile repository can commit it as `caFile`. */
  caFile?: string;
  requests: CapturedRequest[];
  /** Changes how it answers from now on. */
  respond(responder: Responder): void;
  stop(): Promise<void>;
}

/** Answers like a registry that wants Basic credentials for everything. */
export const basicRegistry: Responder = (request): Answer =>
  request.headers.authorization
    ? { status: 404, headers: { 'content-type': 'application/json' }, body: '{"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown"}]}' }
    : { status: 401, headers: { 'www-authenticate': 'Basic realm="attacker"', 'content-type': 'application/json' }, body: '{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}' };

/** Answers like a registry with a token service on itself (realm `<self>/token`), issuing a token to anyone. */
export const tokenRegistry: Responder = (request, self): Answer => {
  if (request.path.startsWith('/token')) return { status: 200, headers: { 'content-type': 'application/json' }, body: '{"token":"attacker-token","expires_in":300}' };
  if (request.headers.authorization?.startsWith('Bearer ')) return { status: 404, headers: { 'content-type': 'application/json' }, body: '{"errors":[{"code":"MANIFEST_UNKNOWN"}]}' };
  return { status: 401, headers: { 'www-authenticate': `Bearer realm="${self}/token",service="attacker"`, 'content-type': 'application/json' }, body: '{"errors":[{"code":"UNAUTHORIZED"}]}' };
};

export async function startAttackerHost(options: { tls?: boolean; address?: string; responder?: Responder } = {}): Promise<AttackerHost> {
  const address = options.address ?? '127.0.0.2';
  const dir = options.tls ? makeTempDir('attacker') : undefined;
  const cert = dir ? await createServerCertificate(dir, { ips: [address] }) : undefined;
  const requests: CapturedRequest[] = [];
  const sockets = new Set<Socket>();
  let responder = options.responder ?? basicRegistry;
  let self = '';
  const handler = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const captured: CapturedRequest = { method: req.method ?? 'GET', path: req.url ?? '/', headers: { ...req.headers }, body: Buffer.concat(chunks).toString('utf8') };
      requests.push(captured);
      const answer = responder(captured, self);
      res.writeHead(answer.status, answer.headers ?? {});
      res.end(req.method === 'HEAD' ? undefined : answer.body);
    });
  };
  const server = cert ? https.createServer({ cert: readFileSync(cert.certFile), key: readFileSync(cert.keyFile) }, handler) : http.createServer(handler);
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: address, port: 0 }, resolve);
  });
  const { port } = server.address() as AddressInfo;
  self = `${cert ? 'https' : 'http'}://${address}:${port}`;
  return {
    host: `${address}:${port}`,
    url: self,
    ...(cert ? { caFile: cert.caFile } : {}),
    requests,
    respond(next) {
      responder = next;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => {
          if (dir) removeTempDir(dir);
          resolve();
        });
      }),
  };
}

/**
 * Which of `secrets` reached the attacker, in any request part: as sent, inside a Basic
 * `Authorization` header (decoded), URL-encoded in a path or form body.
 */
export function leakedSecrets(requests: readonly CapturedRequest[], secrets: readonly string[]): string[] {
  const seen = requests.map((request) => {
    const decoded = Object.values(request.headers)
      .flatMap((value) => (Array.isArray(value) ? value : [value ?? '']))
      .map((value) => (/^basic\s+/i.test(value) ? Buffer.from(value.replace(/^basic\s+/i, ''), 'base64').toString('utf8') : value));
    return [request.path, request.body, ...decoded].map((text) => {
      try {
        return decodeURIComponent(text.replace(/\+/g, ' '));
      } catch {
        return text;
      }
    });
  });
  const text = JSON.stringify(seen) + JSON.stringify(requests);
  return secrets.filter((secret) => text.includes(secret));
}
