/**
 * HTTP transport for registry traffic (undici): one dispatcher per TLS settings combination,
 * per-host concurrency limit, connect/headers/body timeouts, response size caps, manual redirects
 * that never carry `Authorization` nor a request body to another host (and say when a redirect crossed
 * hosts, so no login is handed to the new host's challenge), and a debug line per request (redacted).
 */
import { rootCertificates } from 'node:tls';
import type { Dispatcher } from 'undici';
import { BoundedReadError, readRegularFile } from '../limits/boundedFiles';
import { INPUT_LIMITS } from '../limits/inputLimits';
import { redact, type Logger } from '../log/logger';
import { Agent, EnvHttpProxyAgent, request } from './httpLibraries';

export interface TransportTimeouts {
  connectMs: number;
  headersMs: number;
  bodyMs: number;
  overallMs: number;
}

export interface ProxySettings {
  httpProxy?: string;
  httpsProxy?: string;
  noProxy?: string;
  strictSSL?: boolean;
}

export interface TransportOptions {
  timeouts: TransportTimeouts;
  maxResponseBytes: number;
  maxConcurrencyPerHost: number;
  proxy?: ProxySettings;
  logger: Logger;
  userAgent: string;
}

/** Per-registry TLS settings (from ConnectionSettings). */
export interface TlsSettings {
  caFile?: string;
  insecureSkipTLSVerify?: boolean;
}

export interface HttpRequest {
  method: 'GET' | 'HEAD' | 'POST';
  url: string;
  headers?: Record<string, string>;
  body?: string;
  tls: TlsSettings;
  /** Read the body even on success (HEAD never has one). Error bodies (>= 400) are always read, capped. */
  readBody?: boolean;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  /** The URL that answered (after redirects). */
  url: string;
  /**
   * True when a redirect led to another host (or from HTTPS to HTTP) and the request's
   * Authorization header was therefore not sent there: a 401/403 from that host is about the
   * credentials we deliberately withheld, not about the registry login.
   */
  authorizationWithheld?: boolean;
  /**
   * True when a redirect led to another host (or from HTTPS to HTTP), whatever the request carried:
   * what that host says (a login challenge, a token realm) is not the registry's, and no login of the
   * registry may be handed to it.
   */
  crossHostRedirect?: boolean;
}

/** Everything that can go wrong below HTTP, sorted the way verdicts need it. */
export type TransportFailure = 'timeout' | 'cancelled' | 'unreachable' | 'tls' | 'not-tls' | 'oversized' | 'redirects' | 'config';

export class TransportError extends Error {
  constructor(
    readonly failure: TransportFailure,
    message: string,
    readonly code?: string,
    readonly url?: string,
  ) {
    super(message);
    this.name = 'TransportError';
  }
}

/** What one logical operation (a pull check, a tags listing) shares across its requests. */
export interface RequestScope {
  /** Aborts on the overall deadline or when the caller cancels. */
  signal: AbortSignal;
  /** True once the overall deadline has passed (tells a timeout from a cancellation). */
  deadlineExpired(): boolean;
  /** Called once per HTTP request actually sent. */
  onRequest(): void;
  /**
   * Called when a request has its connection slot, just before it is sent; may throw to refuse it
   * (a registry that started rate-limiting while this request waited in the queue).
   */
  beforeSend?(): void;
  /** Called with each answer's status and headers while the request still holds its slot (so a 429 is known before the next queued request goes out). */
  onResponse?(status: number, headers: Record<string, string | string[] | undefined>): void;
}

const MAX_REDIRECTS = 5;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

const TIMEOUT_CODES = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'ETIMEDOUT']);
const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EAI_NONAME', 'EHOSTUNREACH', 'ENETUNREACH', 'ENETDOWN', 'EHOSTDOWN', 'ECONNRESET', 'EPIPE', 'EADDRNOTAVAIL', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED']);
const TLS_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'CERT_SIGNATURE_FAILURE',
  'INVALID_CA',
  'HOSTNAME_MISMATCH',
]);
const NOT_TLS_CODES = new Set(['ERR_SSL_WRONG_VERSION_NUMBER', 'EPROTO', 'ERR_SSL_PACKET_LENGTH_TOO_LONG', 'ERR_SSL_HTTP_REQUEST']);

/** Query parameters whose values must never reach a log line. */
const SECRET_QUERY_KEYS = /^(token|access_token|refresh_token|password|secret|code|sig|signature|x-amz-.*|x-goog-.*|key)$/i;

/** A URL fit for a log line: no userinfo, secret-looking query values masked. */
export function urlForLog(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    for (const key of [...parsed.searchParams.keys()]) {
      if (SECRET_QUERY_KEYS.test(key)) parsed.searchParams.set(key, '****');
    }
    return parsed.toString();
  } catch {
    return '<unparseable url>';
  }
}

class Semaphore {
  private active = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly limit: number) {}

  async acquire(signal: AbortSignal): Promise<() => void> {
    if (this.active >= this.limit) {
      await new Promise<void>((resolve, reject) => {
        const onAbort = (): void => {
          const index = this.waiting.indexOf(grant);
          if (index !== -1) this.waiting.splice(index, 1);
          reject(new TransportError('cancelled', 'aborted while waiting for a free connection slot'));
        };
        const grant = (): void => {
          signal.removeEventListener('abort', onAbort);
          resolve();
        };
        if (signal.aborted) {
          onAbort();
          return;
        }
        signal.addEventListener('abort', onAbort, { once: true });
        this.waiting.push(grant);
      });
    } else {
      this.active++;
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    };
  }
}

function errorCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
    const code = (current as Error & { code?: unknown }).code;
    if (typeof code === 'string' && code !== 'UND_ERR_ABORTED') return code;
    current = (current as Error & { cause?: unknown }).cause;
  }
  return undefined;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export class HttpTransport {
  private readonly dispatchers = new Map<string, Promise<Dispatcher>>();
  private readonly semaphores = new Map<string, Semaphore>();
  private closed = false;
  private sent = 0;

  constructor(private readonly options: TransportOptions) {}

  /** Total HTTP requests sent through this transport. */
  get requestCount(): number {
    return this.sent;
  }

  private proxyConfigured(): boolean {
    const p = this.options.proxy;
    return Boolean(p?.httpProxy || p?.httpsProxy || process.env['HTTP_PROXY'] || process.env['http_proxy'] || process.env['HTTPS_PROXY'] || process.env['https_proxy']);
  }

  private dispatcherFor(tls: TlsSettings): Promise<Dispatcher> {
    const key = JSON.stringify([tls.caFile ?? '', Boolean(tls.insecureSkipTLSVerify)]);
    let pending = this.dispatchers.get(key);
    if (!pending) {
      pending = this.createDispatcher(tls);
      // A CA file that cannot be read today may be fixed tomorrow: do not cache the failure.
      pending.catch(() => this.dispatchers.delete(key));
      this.dispatchers.set(key, pending);
    }
    return pending;
  }

  private async createDispatcher(tls: TlsSettings): Promise<Dispatcher> {
    let ca: string[] | undefined;
    if (tls.caFile) {
      let pem: string;
      try {
        // The path comes from a committed file: a FIFO, a device or a huge file must not hang or exhaust us.
        pem = (await readRegularFile(tls.caFile, INPUT_LIMITS.caFileBytes)).toString('utf8');
      } catch (error) {
        const why = error instanceof BoundedReadError && error.failure !== 'io' ? error.message : (errorCode(error) ?? errorText(error));
        throw new TransportError('config', `the CA file ${tls.caFile} could not be read (${why})`, errorCode(error));
      }
      if (!pem.includes('-----BEGIN CERTIFICATE-----')) {
        throw new TransportError('config', `the CA file ${tls.caFile} holds no PEM certificate`);
      }
      ca = [...rootCertificates, pem];
    }
    const tlsOptions = { ...(ca ? { ca } : {}), rejectUnauthorized: !tls.insecureSkipTLSVerify };
    const connect = { timeout: this.options.timeouts.connectMs, ...tlsOptions };
    if (this.proxyConfigured()) {
      const p = this.options.proxy ?? {};
      return new EnvHttpProxyAgent({
        ...(p.httpProxy ? { httpProxy: p.httpProxy } : {}),
        ...(p.httpsProxy ? { httpsProxy: p.httpsProxy } : {}),
        ...(p.noProxy !== undefined ? { noProxy: p.noProxy } : {}),
        connect,
        requestTls: tlsOptions,
        proxyTls: { rejectUnauthorized: p.strictSSL ?? true },
      });
    }
    return new Agent({ connect });
  }

  private semaphoreFor(origin: string): Semaphore {
    let semaphore = this.semaphores.get(origin);
    if (!semaphore) {
      semaphore = new Semaphore(this.options.maxConcurrencyPerHost);
      this.semaphores.set(origin, semaphore);
    }
    return semaphore;
  }

  /** Sends a request, following up to 5 redirects. Throws TransportError for anything below HTTP. */
  async send(req: HttpRequest, scope: RequestScope): Promise<HttpResponse> {
    if (this.closed) throw new TransportError('cancelled', 'the registry client was closed');
    const dispatcher = await this.dispatcherFor(req.tls);
    let url = req.url;
    let method = req.method;
    let body = req.body;
    const headers: Record<string, string> = { 'user-agent': this.options.userAgent, ...req.headers };
    let authorizationWithheld = false;
    let crossHostRedirect = false;
    for (let hop = 0; ; hop++) {
      const response = await this.sendOnce(dispatcher, method, url, headers, body, req.readBody ?? false, scope);
      const location = response.headers['location'];
      if (!REDIRECT_STATUSES.has(response.status) || typeof location !== 'string') {
        return crossHostRedirect ? { ...response, crossHostRedirect, ...(authorizationWithheld ? { authorizationWithheld } : {}) } : response;
      }
      if (hop >= MAX_REDIRECTS) throw new TransportError('redirects', `more than ${MAX_REDIRECTS} redirects, the last to ${urlForLog(location)}`, undefined, url);
      let next: URL;
      try {
        next = new URL(location, url);
      } catch {
        return response; // an unusable Location: let the caller judge the 3xx
      }
      const current = new URL(url);
      const downgrade = current.protocol === 'https:' && next.protocol !== 'https:';
      if (next.host !== current.host || downgrade) {
        crossHostRedirect = true;
        // Credentials are for the registry only: object storage and other hosts never see them.
        for (const name of Object.keys(headers)) {
          if (name.toLowerCase() !== 'authorization') continue;
          delete headers[name];
          authorizationWithheld = true;
        }
        // A body (a token request's form with a refresh token) is never re-sent to another host either.
        if (body !== undefined && !(response.status === 303 || ((response.status === 301 || response.status === 302) && method === 'POST'))) {
          throw new TransportError('redirects', `${current.host} redirected a request that carries a body to another host, ${next.host}; it was not forwarded there`, undefined, url);
        }
      }
      if ((response.status === 301 || response.status === 302) && method === 'POST') {
        // As browsers and curl do: the redirected request becomes a GET without the body.
        method = 'GET';
        body = undefined;
      }
      if (response.status === 303 && method !== 'HEAD') {
        method = 'GET';
        body = undefined;
      }
      url = next.toString();
    }
  }

  private async sendOnce(
    dispatcher: Dispatcher,
    method: HttpRequest['method'],
    url: string,
    headers: Record<string, string>,
    body: string | undefined,
    readBody: boolean,
    scope: RequestScope,
  ): Promise<HttpResponse> {
    const origin = new URL(url).origin;
    const release = await this.semaphoreFor(origin).acquire(scope.signal).catch((error: unknown) => {
      throw this.classify(error, scope, url);
    });
    const started = Date.now();
    try {
      scope.beforeSend?.();
      scope.onRequest();
      this.sent++;
      let response: Dispatcher.ResponseData;
      try {
        response = await request(url, {
          method,
          headers,
          body: body ?? null,
          dispatcher,
          signal: scope.signal,
          headersTimeout: this.options.timeouts.headersMs,
          bodyTimeout: this.options.timeouts.bodyMs,
        });
      } catch (error) {
        const failure = this.classify(error, scope, url);
        this.options.logger.debug(redact(`${method} ${urlForLog(url)} → ${failure.failure}: ${failure.message} (${Date.now() - started} ms)`));
        throw failure;
      }
      const responseHeaders = response.headers;
      let data: Buffer = Buffer.alloc(0);
      const wantBody = method !== 'HEAD' && (readBody || response.statusCode >= 400);
      try {
        if (wantBody) data = await this.readCapped(response, url);
        else await response.body.dump();
      } catch (error) {
        if (error instanceof TransportError) throw error;
        throw this.classify(error, scope, url);
      }
      this.options.logger.debug(redact(`${method} ${urlForLog(url)} → ${response.statusCode} (${Date.now() - started} ms)`));
      scope.onResponse?.(response.statusCode, responseHeaders);
      return { status: response.statusCode, headers: responseHeaders, body: data, url };
    } finally {
      release();
    }
  }

  private async readCapped(response: Dispatcher.ResponseData, url: string): Promise<Buffer> {
    const limit = this.options.maxResponseBytes;
    const declared = Number(response.headers['content-length']);
    // Destroying an undici body emits an abort error; it is expected here, so swallow it.
    const discard = (): void => {
      response.body.on('error', () => undefined);
      response.body.destroy();
    };
    if (Number.isFinite(declared) && declared > limit) {
      discard();
      throw new TransportError('oversized', `the answer declares ${declared} bytes, more than the ${limit}-byte limit`, undefined, url);
    }
    const chunks: Buffer[] = [];
    let total = 0;
    for await (const chunk of response.body) {
      const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
      total += buffer.length;
      if (total > limit) {
        discard();
        throw new TransportError('oversized', `the answer is larger than the ${limit}-byte limit`, undefined, url);
      }
      chunks.push(buffer);
    }
    return Buffer.concat(chunks);
  }

  private classify(error: unknown, scope: RequestScope, url: string): TransportError {
    if (error instanceof TransportError) {
      if (error.failure === 'cancelled' && scope.deadlineExpired()) return new TransportError('timeout', 'the overall deadline passed', undefined, url);
      return error;
    }
    if (scope.signal.aborted) {
      return scope.deadlineExpired()
        ? new TransportError('timeout', 'the overall deadline passed before the registry answered', undefined, url)
        : new TransportError('cancelled', 'the check was cancelled', undefined, url);
    }
    const code = errorCode(error);
    const text = errorText(error);
    if (code && TIMEOUT_CODES.has(code)) {
      const phase = code === 'UND_ERR_CONNECT_TIMEOUT' ? 'connecting' : code === 'UND_ERR_HEADERS_TIMEOUT' ? 'waiting for the answer' : code === 'UND_ERR_BODY_TIMEOUT' ? 'reading the answer' : 'waiting';
      return new TransportError('timeout', `timed out ${phase}`, code, url);
    }
    if (code && TLS_CODES.has(code)) return new TransportError('tls', text, code, url);
    if (code && NOT_TLS_CODES.has(code)) return new TransportError('not-tls', text, code, url);
    if (code === 'UND_ERR_RESPONSE_EXCEEDED_MAX_SIZE') return new TransportError('oversized', text, code, url);
    if (code && UNREACHABLE_CODES.has(code)) return new TransportError('unreachable', text, code, url);
    if (/certificate|self[- ]signed|\bssl\b|tls/i.test(text)) return new TransportError('tls', text, code, url);
    return new TransportError('unreachable', text, code, url);
  }

  async close(): Promise<void> {
    this.closed = true;
    const pending = [...this.dispatchers.values()];
    this.dispatchers.clear();
    await Promise.all(
      pending.map(async (p) => {
        try {
          const dispatcher = await p;
          // destroy, not close: close() would wait for requests still held by a silent registry.
          await dispatcher.destroy();
        } catch {
          // A dispatcher that never came to be (unreadable CA file) has nothing to close.
        }
      }),
    );
  }
}
