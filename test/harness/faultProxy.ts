/**
 * A fault-injecting HTTP proxy in front of a registry: it records every request (method, path, headers)
 * and, depending on the mode, forwards it, answers with an error status, never answers, or redirects
 * manifest requests to another host. Clients reach it over plain http (`plainHttp: true`).
 */
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import type { RunningRegistry } from './registries';

export type FaultMode =
  /** Answer with `status` (registry-shaped error body). `only: 'manifests'` passes everything else through. */
  | { kind: 'status'; status: 429 | 503; retryAfter?: string; headers?: Record<string, string>; only?: 'manifests' | 'all' }
  /** Accept the connection, read the request, never answer. */
  | { kind: 'hang' }
  /** 307 for manifest requests to `location` + the original path (another host); everything else passes. */
  | { kind: 'redirect-manifests-to'; location: string }
  /** 302 for every request, `/v2/` included, to `location` + the original path (another host). */
  | { kind: 'redirect-all-to'; location: string }
  /** Forward everything, but name another token service in every `WWW-Authenticate` realm (a hostile or misconfigured registry). */
  | { kind: 'rewrite-realm'; realm: string }
  /** Forward everything. */
  | { kind: 'pass' };

export interface RecordedRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
}

export interface RunningFaultProxy {
  /** `http://127.0.0.1:PORT` */
  url: string;
  /** `127.0.0.1:PORT` */
  host: string;
  requests: RecordedRequest[];
  stop(): Promise<void>;
}

const ERROR_CODES: Record<number, { code: string; message: string }> = {
  429: { code: 'TOOMANYREQUESTS', message: 'You have reached your pull rate limit.' },
  503: { code: 'UNAVAILABLE', message: 'service unavailable' },
};

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'trailer', 'host']);

/** `target`: a harness registry (its CA is trusted), or a base URL such as `http://127.0.0.1:5000`. */
export async function startFaultProxy(target: RunningRegistry | string, mode: FaultMode): Promise<RunningFaultProxy> {
  const targetUrl = new URL(typeof target === 'string' ? (/^https?:\/\//.test(target) ? target : `http://${target}`) : target.url);
  const targetCa = typeof target === 'string' || !target.caFile ? undefined : readFileSync(target.caFile);
  const requests: RecordedRequest[] = [];
  const sockets = new Set<Socket>();

  const forward = (req: http.IncomingMessage, res: http.ServerResponse, rewriteRealm?: string): void => {
    const headers: http.OutgoingHttpHeaders = {};
    for (const [name, value] of Object.entries(req.headers)) if (!HOP_BY_HOP.has(name) && value !== undefined) headers[name] = value;
    headers.host = targetUrl.host;
    const options = { method: req.method, headers, agent: false as const, ...(targetCa ? { ca: targetCa } : {}) };
    const url = new URL(req.url ?? '/', targetUrl);
    const upstream = url.protocol === 'https:' ? https.request(url, options) : http.request(url, options);
    upstream.once('response', (answer) => {
      const answerHeaders: http.OutgoingHttpHeaders = {};
      for (const [name, value] of Object.entries(answer.headers)) if (!HOP_BY_HOP.has(name) && value !== undefined) answerHeaders[name] = value;
      const challenge = answerHeaders['www-authenticate'];
      if (rewriteRealm && typeof challenge === 'string') answerHeaders['www-authenticate'] = challenge.replace(/realm="[^"]*"/i, `realm="${rewriteRealm}"`);
      res.writeHead(answer.statusCode ?? 502, answerHeaders);
      answer.pipe(res);
    });
    upstream.once('error', (err) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      res.writeHead(502, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ errors: [{ code: 'UNAVAILABLE', message: `fault proxy could not reach ${targetUrl.host}: ${err.message}` }] }));
    });
    req.pipe(upstream);
  };

  const server = http.createServer((req, res) => {
    const path = req.url ?? '/';
    requests.push({ method: req.method ?? 'GET', path, headers: { ...req.headers } });
    const isManifest = /^\/v2\/.+\/manifests\/[^/]+$/.test(path.split('?')[0] ?? '');
    switch (mode.kind) {
      case 'pass':
        forward(req, res);
        return;
      case 'hang':
        req.resume(); // read the request so the client believes it was sent, then say nothing
        return;
      case 'redirect-all-to':
        res.writeHead(302, { Location: new URL(path, mode.location).toString(), 'Content-Length': '0' });
        res.end();
        return;
      case 'rewrite-realm':
        forward(req, res, mode.realm);
        return;
      case 'redirect-manifests-to':
        if (!isManifest) {
          forward(req, res);
          return;
        }
        res.writeHead(307, { Location: new URL(path, mode.location).toString(), 'Content-Length': '0' });
        res.end();
        return;
      case 'status': {
        if (mode.only === 'manifests' && !isManifest) {
          forward(req, res);
          return;
        }
        const error = ERROR_CODES[mode.status] ?? { code: 'UNKNOWN', message: 'injected failure' };
        const body = JSON.stringify({ errors: [{ code: error.code, message: error.message, detail: null }] });
        res.writeHead(mode.status, {
          'Content-Type': 'application/json',
          ...(mode.retryAfter !== undefined ? { 'Retry-After': mode.retryAfter } : {}),
          ...mode.headers,
        });
        // HEAD answers carry no body; the status and headers are the message.
        res.end(req.method === 'HEAD' ? undefined : body);
        return;
      }
    }
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port: 0 }, resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    host: `127.0.0.1:${port}`,
    requests,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
