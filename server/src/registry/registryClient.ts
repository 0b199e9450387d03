/**
 * The OCI distribution client behind "test": the pull check (`GET /v2/` → challenge → token →
 * `HEAD` manifest), tag and catalog listing. Shared by the CLI and the language server.
 *
 * Request economy (what the benchmarks measure):
 * - the `/v2/` ping is cached per registry (10 min) and de-duplicated in flight: two checks of
 *   different repositories on one registry share it;
 * - Bearer tokens are cached per realm/service/scope/login until `expires_in` (from `issued_at`
 *   when the registry's clock agrees) minus a small margin, and de-duplicated in flight;
 * - ECR passwords (GetAuthorizationToken) are cached until `expiresAt` minus 5 minutes;
 * - whole check results are cached for `cacheTtlMs` (definitive verdicts only) and concurrent
 *   checks of the same target share one request chain;
 * - at most `maxConcurrencyPerRegistry` requests are in flight per host.
 * So a cold check makes 3 requests (ping, token, HEAD), a warm one (ping and token cached) 1.
 *
 * A missing manifest costs one more request: a `HEAD` answer has no body, so a 404 cannot say
 * whether the repository or only the tag is missing. The client then asks
 * `GET /v2/<name>/tags/list?n=1` with the same authorization: 200 → `tag-not-found`,
 * 404 → `repository-not-found` (distribution answers NAME_UNKNOWN there). A cold check of a
 * missing tag therefore makes 4 requests. Nothing else is ever fetched unless `readPlatforms`
 * asks for an index's platforms (one `GET` of the index).
 */
import { createHash } from 'node:crypto';
import { redact, redactingLogger, registerSecret, silentLogger, type Logger } from '../log/logger';
import { findChallenge, parseWwwAuthenticate, type AuthChallenge } from './challenge';
import { apiBaseUrl, endpointHost, endpointMatchesDomain, formatImage, isDigestReference, parseEcrHost, registryHostForReference } from './endpoints';
import { RegistryRequestError, rateLimitFromHeaders, registryErrorFromBody, verdictForTransportError, type VerdictDetails } from './errors';
import { genericHint } from './hints';
import { providerProfile } from './providers';
import { ecrApiUrl, fetchEcrAuthorization, type EcrAuthorization } from './providers/ecr';
import { loginMayGoToRealm } from './tokenRealm';
import { HttpTransport, TransportError, type HttpRequest, type HttpResponse, type RequestScope, type TlsSettings } from './transport';
import type { ConnectionSettings, Credentials, ImageTarget, PullCheckResult, RateLimitInfo, Verdict } from './types';

export { RegistryRequestError, type VerdictDetails } from './errors';

export interface RegistryClientOptions {
  timeouts?: { connectMs?: number; headersMs?: number; bodyMs?: number; overallMs?: number };
  /** Cap on any body read (JSON, token, tags list). Default 4 MiB. */
  maxResponseBytes?: number;
  /** Requests in flight per host. Default 6. */
  maxConcurrencyPerRegistry?: number;
  /** Pull-check result cache TTL. Default 5 min; 0 disables. */
  cacheTtlMs?: number;
  /** Default: HTTP_PROXY / HTTPS_PROXY / NO_PROXY from the environment. */
  proxy?: { httpProxy?: string; httpsProxy?: string; noProxy?: string; strictSSL?: boolean };
  logger?: Logger;
  userAgent?: string;
  /** Where ECR's GetAuthorizationToken is called, per region (tests point it at a stand-in). */
  ecrApiEndpoint?: (region: string) => string;
  /** Clock (epoch ms) for token expiry. */
  now?: () => number;
}

export type { ImageTarget } from './types';

export const MANIFEST_MEDIA_TYPES = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.docker.distribution.manifest.v2+json',
] as const;

const INDEX_MEDIA_TYPES = new Set<string>(['application/vnd.oci.image.index.v1+json', 'application/vnd.docker.distribution.manifest.list.v2+json']);

const DEFAULTS = { connectMs: 5_000, headersMs: 10_000, bodyMs: 10_000, overallMs: 30_000, maxResponseBytes: 4 * 1024 * 1024, concurrency: 6, cacheTtlMs: 5 * 60_000 };
const PING_TTL_MS = 10 * 60_000;
const ECR_EXPIRY_MARGIN_MS = 5 * 60_000;
const DEFAULT_TOKEN_LIFETIME_S = 60;
const DEFAULT_MAX_PAGES = 100;
/** How long a registry that answered 429 without Retry-After is left alone, and the longest wait honoured. */
const DEFAULT_RATE_LIMIT_BACKOFF_S = 30;
const MAX_RATE_LIMIT_BACKOFF_S = 15 * 60;
/** Verdicts that say something lasting about the registry; the others are worth retrying at once. */
const CACHEABLE_VERDICTS = new Set<Verdict>(['ok', 'unauthorized', 'denied', 'repository-not-found', 'tag-not-found']);

/** A registry that answered 429: left alone until `until`. */
interface RateLimitBackoff {
  registryHost: string;
  until: number;
  result: PullCheckResult;
}

/** The login presented to the registry or its token service (for ECR: `AWS` + the GetAuthorizationToken password). */
interface Login {
  username: string;
  secret: string;
  /** An OAuth2 refresh token: the token step becomes Docker's POST grant_type=refresh_token. */
  identityToken?: string;
}

/** Docker's OAuth2 client id for the refresh-token grant (docker/distribution `auth.ClientID`'s default in the CLI). */
const OAUTH_CLIENT_ID = 'replicated-registries';

type Authorization = { kind: 'anonymous' } | { kind: 'basic'; header: string } | { kind: 'bearer'; header: string; tokenKey: string; fromCache: boolean };

interface PingInfo {
  /** `/v2/` answered 200 without asking for a login. */
  open: boolean;
  challenges: AuthChallenge[];
  /** The challenges came from another host that `/v2/` redirected to: no login of this registry goes to them. */
  challengesFromAnotherHost?: boolean;
  expiresAt: number;
}

interface CachedToken {
  token: string;
  usableUntil: number;
  registryHost: string;
}

/** One operation (a check, a listing) against one registry. */
interface Operation {
  conn: ConnectionSettings;
  base: string;
  /** Registry host as the messages name it (`registry-1.docker.io`, `127.0.0.1:5000`). */
  apiHost: string;
  /** Registry host as references name it (`docker.io`). */
  registryHost: string;
  tls: TlsSettings;
  credentials?: Credentials;
  scope: RequestScope;
  counter: { count: number };
  repository: string;
}

function sha256Short(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

function header(response: HttpResponse, name: string): string | undefined {
  const value = response.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function headerList(response: HttpResponse, name: string): string[] {
  const value = response.headers[name];
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

function mediaTypeOf(response: HttpResponse): string | undefined {
  const contentType = header(response, 'content-type');
  return contentType?.split(';')[0]?.trim().toLowerCase() || undefined;
}

/**
 * A 401/403 from a host a redirect led to, after the transport withheld the Authorization header
 * there on purpose: calling it "unauthorized" would send the vendor chasing a password that is fine.
 */
function withheldCredentialsRefusal(op: Operation, response: HttpResponse, what: string): RegistryRequestError | undefined {
  if (!response.authorizationWithheld || (response.status !== 401 && response.status !== 403)) return undefined;
  let target = response.url;
  try {
    target = new URL(response.url).host;
  } catch {
    // keep the URL as given
  }
  return new RegistryRequestError({
    verdict: 'protocol-error',
    httpStatus: response.status,
    message: `${op.registryHost} redirected the request for ${what} to another host, ${target}, which answered HTTP ${response.status} and demands credentials. The registry login is deliberately not forwarded across a redirect to another host, so the registry's own answer could not be checked.`,
    hint: `A registry should redirect to pre-signed storage URLs that need no login. Check the storage or redirect settings of ${op.registryHost} (or the proxy in front of it); the credentials themselves were not judged.`,
  });
}

/** The `error` of an OAuth2 error body (RFC 6749 §5.2), if the body is one. */
function oauthError(body: Buffer): string | undefined {
  try {
    const parsed = JSON.parse(body.toString('utf8')) as { error?: unknown };
    return typeof parsed.error === 'string' ? parsed.error : undefined;
  } catch {
    return undefined;
  }
}

function basicHeader(login: Login): string {
  const encoded = Buffer.from(`${login.username}:${login.secret}`, 'utf8').toString('base64');
  registerSecret(encoded);
  return `Basic ${encoded}`;
}

/** Parses `Link: <url>; rel="next"` (several links, any order). */
export function nextLinkFrom(values: readonly string[]): string | undefined {
  for (const value of values) {
    for (const part of value.split(/,(?=\s*<)/)) {
      const match = /^\s*<([^>]*)>(.*)$/.exec(part);
      if (!match) continue;
      const params = match[2] ?? '';
      if (/;\s*rel\s*=\s*"?([^";]*\s)?next(\s[^";]*)?"?/i.test(params)) return match[1];
    }
  }
  return undefined;
}

export class RegistryClient {
  private readonly transport: HttpTransport;
  private readonly logger: Logger;
  private readonly timeouts: { connectMs: number; headersMs: number; bodyMs: number; overallMs: number };
  private readonly cacheTtlMs: number;
  private readonly now: () => number;
  private readonly pings = new Map<string, PingInfo & { registryHost: string }>();
  private readonly pingsInFlight = new Map<string, Promise<PingInfo>>();
  private readonly tokens = new Map<string, CachedToken>();
  private readonly tokensInFlight = new Map<string, Promise<string>>();
  private readonly ecrTokens = new Map<string, EcrAuthorization & { registryHost: string }>();
  private readonly ecrInFlight = new Map<string, Promise<EcrAuthorization>>();
  private readonly results = new Map<string, { registryHost: string; result: PullCheckResult; expiresAt: number }>();
  private readonly checksInFlight = new Map<string, Promise<PullCheckResult>>();
  /** Registries (by API base URL) that answered 429: no new check goes to them before `until`. */
  private readonly rateLimited = new Map<string, RateLimitBackoff>();

  constructor(private readonly options: RegistryClientOptions = {}) {
    this.logger = redactingLogger(options.logger ?? silentLogger);
    this.timeouts = {
      connectMs: options.timeouts?.connectMs ?? DEFAULTS.connectMs,
      headersMs: options.timeouts?.headersMs ?? DEFAULTS.headersMs,
      bodyMs: options.timeouts?.bodyMs ?? DEFAULTS.bodyMs,
      overallMs: options.timeouts?.overallMs ?? DEFAULTS.overallMs,
    };
    this.cacheTtlMs = options.cacheTtlMs ?? DEFAULTS.cacheTtlMs;
    this.now = options.now ?? ((): number => Date.now());
    this.transport = new HttpTransport({
      timeouts: this.timeouts,
      maxResponseBytes: options.maxResponseBytes ?? DEFAULTS.maxResponseBytes,
      maxConcurrencyPerHost: Math.max(1, options.maxConcurrencyPerRegistry ?? DEFAULTS.concurrency),
      ...(options.proxy ? { proxy: options.proxy } : {}),
      logger: this.logger,
      userAgent: options.userAgent ?? 'replicated-registries/0.1',
    });
  }

  /** Total HTTP requests made by this client. */
  get requestCount(): number {
    return this.transport.requestCount;
  }

  /**
   * Can these credentials pull this image? Never throws: every failure is a verdict.
   * `credentials` undefined = anonymous check. A result served from the cache, or shared with a
   * concurrent identical check, reports `requests: 0`.
   */
  async checkPull(
    conn: ConnectionSettings,
    credentials: Credentials | undefined,
    target: ImageTarget,
    options: { signal?: AbortSignal; noCache?: boolean; readPlatforms?: boolean } = {},
  ): Promise<PullCheckResult> {
    const started = Date.now();
    const image = formatImage(conn, target);
    const key = JSON.stringify([
      apiBaseUrl(conn),
      conn.provider,
      conn.caFile ?? '',
      Boolean(conn.insecureSkipTLSVerify),
      target.repository,
      target.reference,
      credentials?.username ?? null,
      credentials ? sha256Short(credentials.secret) : null,
      Boolean(options.readPlatforms),
    ]);
    if (!options.noCache && this.cacheTtlMs > 0) {
      const cached = this.results.get(key);
      if (cached && cached.expiresAt > this.now()) return { ...cached.result, requests: 0, durationMs: Date.now() - started };
      if (cached) this.results.delete(key);
    }
    const backoffKey = apiBaseUrl(conn);
    if (!options.noCache) {
      const backoff = this.rateLimited.get(backoffKey);
      if (backoff && backoff.until > this.now()) return this.skippedForRateLimit(backoff, image, credentials === undefined, started);
      if (backoff) this.rateLimited.delete(backoffKey);
    }
    let shared = this.checksInFlight.get(key);
    const joined = shared !== undefined;
    if (!shared) {
      shared = this.runCheck(conn, credentials, target, Boolean(options.readPlatforms), options.noCache ? undefined : backoffKey).then((result) => {
        // A normal answer ends a wait early (the rate-limit wait itself is started by the 429, in runCheck).
        if (result.verdict !== 'rate-limited' && result.httpStatus !== undefined) this.rateLimited.delete(backoffKey);
        if (this.cacheTtlMs > 0 && CACHEABLE_VERDICTS.has(result.verdict)) {
          this.results.set(key, { registryHost: registryHostForReference(conn.endpoint), result, expiresAt: this.now() + this.cacheTtlMs });
        }
        return result;
      });
      const registered = shared;
      this.checksInFlight.set(key, registered);
      void registered.finally(() => {
        if (this.checksInFlight.get(key) === registered) this.checksInFlight.delete(key);
      });
    }
    const result = options.signal ? await this.raceCancel(shared, options.signal, image, credentials === undefined, started) : await shared;
    return joined ? { ...result, requests: 0, durationMs: Date.now() - started } : result;
  }

  /** Tags of a repository, following `Link` pages; a repeated or cyclic link stops paging. Throws RegistryRequestError. */
  async listTags(
    conn: ConnectionSettings,
    credentials: Credentials | undefined,
    repository: string,
    options: { pageSize?: number; cursor?: string; maxPages?: number; signal?: AbortSignal } = {},
  ): Promise<{ tags: string[]; cursor?: string }> {
    const first = `${apiBaseUrl(conn)}/v2/${repository}/tags/list${options.pageSize ? `?n=${options.pageSize}` : ''}`;
    const { items, cursor } = await this.paged(conn, credentials, repository, `repository:${repository}:pull`, first, 'tags', options);
    return cursor !== undefined ? { tags: items, cursor } : { tags: items };
  }

  /** Optional browsing through `/v2/_catalog` (never used to test a connection). Throws RegistryRequestError. */
  async listRepositories(
    conn: ConnectionSettings,
    credentials: Credentials | undefined,
    options: { pageSize?: number; cursor?: string; maxPages?: number; signal?: AbortSignal } = {},
  ): Promise<{ repositories: string[]; cursor?: string }> {
    const first = `${apiBaseUrl(conn)}/v2/_catalog${options.pageSize ? `?n=${options.pageSize}` : ''}`;
    const { items, cursor } = await this.paged(conn, credentials, '', 'registry:catalog:*', first, 'repositories', options);
    return cursor !== undefined ? { repositories: items, cursor } : { repositories: items };
  }

  /** A check not sent because the registry asked us to wait: `rate-limited`, no request, and when to try again. */
  private skippedForRateLimit(backoff: RateLimitBackoff, image: string, anonymous: boolean, started: number): PullCheckResult {
    return { ...this.rateLimitWait(backoff), image, requests: 0, durationMs: Date.now() - started, anonymous, checkedAt: new Date(this.now()).toISOString() };
  }

  /** The verdict of a check not sent because the registry asked us to wait. */
  private rateLimitWait(backoff: RateLimitBackoff): VerdictDetails & { verdict: 'rate-limited' } {
    const waitS = Math.max(1, Math.ceil((backoff.until - this.now()) / 1000));
    return {
      verdict: 'rate-limited',
      ...(backoff.result.httpStatus !== undefined ? { httpStatus: backoff.result.httpStatus } : {}),
      ...(backoff.result.registryErrorCode !== undefined ? { registryErrorCode: backoff.result.registryErrorCode } : {}),
      message: `Not checked: ${backoff.registryHost} is rate-limiting requests, and this client waits ${waitS} s more before sending it another one.`,
      hint: `Check again after ${new Date(backoff.until).toISOString()} (the registry's Retry-After, or ${DEFAULT_RATE_LIMIT_BACKOFF_S} s when it gave none); logging in usually raises the limit.`,
      rateLimit: { ...backoff.result.rateLimit, retryAfterSeconds: waitS },
    };
  }

  /** Drops cached pings, tokens and results — all, or those of one registry endpoint. */
  invalidate(endpoint?: string): void {
    const matches = (registryHost: string): boolean => endpoint === undefined || endpointMatchesDomain(endpoint, registryHost);
    for (const map of [this.pings, this.tokens, this.ecrTokens, this.results, this.rateLimited] as Array<Map<string, { registryHost: string }>>) {
      for (const [key, value] of map) if (matches(value.registryHost)) map.delete(key);
    }
  }

  async close(): Promise<void> {
    this.invalidate();
    await this.transport.close();
  }

  // ---------------------------------------------------------------- the check

  /** `backoffKey`: the registry whose rate-limit wait this check honours (none for an explicit, uncached check). */
  private async runCheck(conn: ConnectionSettings, credentials: Credentials | undefined, target: ImageTarget, readPlatforms: boolean, backoffKey?: string): Promise<PullCheckResult> {
    const started = Date.now();
    const counter = { count: 0 };
    // Checks queued behind the one that got the 429 must not go out either once their turn comes.
    const beforeSend =
      backoffKey === undefined
        ? undefined
        : (): void => {
            const backoff = this.rateLimited.get(backoffKey);
            if (backoff && backoff.until > this.now()) throw new RegistryRequestError(this.rateLimitWait(backoff));
          };
    const { scope, dispose } = this.createScope(counter, undefined, beforeSend);
    // Start the wait the moment the registry answers 429, before any request queued behind this one is sent.
    const registryBase = apiBaseUrl(conn);
    scope.onResponse = (status, headers): void => {
      if (status !== 429) return;
      const rateLimit = rateLimitFromHeaders(headers, this.now());
      const waitS = Math.min(MAX_RATE_LIMIT_BACKOFF_S, Math.max(1, rateLimit?.retryAfterSeconds ?? DEFAULT_RATE_LIMIT_BACKOFF_S));
      const result: PullCheckResult = { verdict: 'rate-limited', image: formatImage(conn, target), httpStatus: 429, message: '', requests: 0, durationMs: 0, ...(rateLimit ? { rateLimit } : {}) };
      this.rateLimited.set(registryBase, { registryHost: registryHostForReference(conn.endpoint), until: this.now() + waitS * 1000, result });
    };
    const op = this.operation(conn, credentials, scope, counter, target.repository);
    let details: VerdictDetails | undefined;
    let ok: Partial<PullCheckResult> | undefined;
    try {
      ok = await this.checkManifest(op, target, readPlatforms);
    } catch (error) {
      details = this.detailsFromError(error, op);
    } finally {
      dispose();
    }
    const base: PullCheckResult = {
      verdict: 'ok',
      image: formatImage(conn, target),
      message: '',
      requests: counter.count,
      durationMs: Date.now() - started,
      anonymous: credentials === undefined,
      checkedAt: new Date(this.now()).toISOString(),
    };
    if (details) {
      const hint =
        details.hint ??
        providerProfile(conn.provider).hint(details.verdict, { anonymous: credentials === undefined, host: op.registryHost, repository: target.repository }) ??
        genericHint(details.verdict, {
          anonymous: credentials === undefined,
          host: op.registryHost,
          repository: target.repository,
          reference: target.reference,
          ...(details.rateLimit?.retryAfterSeconds !== undefined ? { retryAfterSeconds: details.rateLimit.retryAfterSeconds } : {}),
        });
      // Registry-supplied text ends up in messages: make sure no known secret rides along.
      const result: PullCheckResult = { ...base, ...details, message: redact(details.message), ...(hint !== undefined ? { hint: redact(hint) } : {}) };
      this.logger.debug(`pull check ${result.image}: ${result.verdict} (${result.requests} requests, ${result.durationMs} ms)`);
      return result;
    }
    const result: PullCheckResult = { ...base, ...ok, verdict: 'ok' };
    this.logger.debug(`pull check ${result.image}: ok (${result.requests} requests, ${result.durationMs} ms)`);
    return result;
  }

  private async checkManifest(op: Operation, target: ImageTarget, readPlatforms: boolean): Promise<Partial<PullCheckResult>> {
    const scopeText = `repository:${target.repository}:pull`;
    const manifestUrl = `${op.base}/v2/${target.repository}/manifests/${target.reference}`;
    const accept = MANIFEST_MEDIA_TYPES.join(', ');
    const first = await this.authorizedRequest(op, scopeText, { method: 'HEAD', url: manifestUrl, headers: { accept }, tls: op.tls });
    const auth = first.auth;
    let response = first.response;
    if (response.status === 405) {
      // A few old or proxying registries refuse HEAD on manifests: GET answers the same question.
      response = await this.send(op, { method: 'GET', url: manifestUrl, headers: { accept }, tls: op.tls }, auth);
    }
    const what = `${target.repository}${isDigestReference(target.reference) ? '@' : ':'}${target.reference}`;

    if (response.status >= 200 && response.status < 300) {
      const mediaType = mediaTypeOf(response);
      if (mediaType === 'text/html') {
        throw new RegistryRequestError({
          verdict: 'protocol-error',
          httpStatus: response.status,
          message: `${op.apiHost} answered the manifest request with a web page, not a manifest.`,
          hint: 'Check that the endpoint points at the registry API and not at a web front end or a login page.',
        });
      }
      const digest = header(response, 'docker-content-digest');
      const rateLimit = rateLimitFromHeaders(response.headers, this.now());
      const result: Partial<PullCheckResult> = {
        httpStatus: response.status,
        message: `${what} exists on ${op.registryHost} and ${
          auth.kind !== 'anonymous' ? 'these credentials can pull it' : op.credentials ? 'can be pulled (the registry did not ask for a login, so the credentials were not needed)' : 'can be pulled anonymously'
        }.`,
        ...(digest ? { digest } : {}),
        ...(mediaType ? { mediaType } : {}),
        ...(rateLimit ? { rateLimit } : {}),
      };
      if (readPlatforms && mediaType && INDEX_MEDIA_TYPES.has(mediaType)) {
        const platforms = await this.readPlatforms(op, manifestUrl, auth);
        if (platforms) result.platforms = platforms;
      }
      return result;
    }
    if (response.status === 404) return this.explainNotFound(op, target, auth, what);
    throw this.failureFor(op, response, auth, `the manifest ${what}`);
  }

  /** HEAD gave 404 without a body: ask tags/list whether the repository exists (one request). */
  private async explainNotFound(op: Operation, target: ImageTarget, auth: Authorization, what: string): Promise<never> {
    let probe: HttpResponse | undefined;
    try {
      probe = await this.send(op, { method: 'GET', url: `${op.base}/v2/${target.repository}/tags/list?n=1`, tls: op.tls, readBody: false }, auth);
    } catch (error) {
      this.logger.debug(`tags/list probe for ${target.repository} failed: ${error instanceof Error ? error.message : String(error)}`);
    }
    const kind = isDigestReference(target.reference) ? 'digest' : 'tag';
    if (probe && probe.status === 404 && (registryErrorFromBody(probe.body)?.code ?? 'NAME_UNKNOWN') === 'NAME_UNKNOWN') {
      throw new RegistryRequestError({
        verdict: 'repository-not-found',
        httpStatus: 404,
        registryErrorCode: 'NAME_UNKNOWN',
        message: `The repository ${target.repository} does not exist on ${op.registryHost}.`,
      });
    }
    if (probe && probe.status === 200) {
      throw new RegistryRequestError({
        verdict: 'tag-not-found',
        httpStatus: 404,
        registryErrorCode: 'MANIFEST_UNKNOWN',
        message: `The repository ${target.repository} exists on ${op.registryHost}, but it has no ${kind} ${target.reference}.`,
      });
    }
    throw new RegistryRequestError({
      verdict: 'tag-not-found',
      httpStatus: 404,
      message: `${op.registryHost} has no manifest for ${what} (it did not say whether the repository itself exists).`,
    });
  }

  private async readPlatforms(op: Operation, manifestUrl: string, auth: Authorization): Promise<string[] | undefined> {
    try {
      const response = await this.send(op, { method: 'GET', url: manifestUrl, headers: { accept: [...INDEX_MEDIA_TYPES].join(', ') }, tls: op.tls, readBody: true }, auth);
      if (response.status !== 200) return undefined;
      const parsed = JSON.parse(response.body.toString('utf8')) as { manifests?: Array<{ platform?: { os?: unknown; architecture?: unknown; variant?: unknown } }> };
      const platforms: string[] = [];
      for (const entry of parsed.manifests ?? []) {
        const p = entry.platform;
        if (!p || typeof p.os !== 'string' || typeof p.architecture !== 'string') continue;
        if (p.os === 'unknown' && p.architecture === 'unknown') continue; // attestation manifests
        const name = `${p.os}/${p.architecture}${typeof p.variant === 'string' && p.variant ? `/${p.variant}` : ''}`;
        if (!platforms.includes(name)) platforms.push(name);
      }
      return platforms;
    } catch (error) {
      this.logger.debug(`reading the platforms of ${manifestUrl} failed: ${error instanceof Error ? error.message : String(error)}`);
      return undefined;
    }
  }

  // ---------------------------------------------------------------- authorization

  /** Ping (cached), authorize for `scopeText`, send; on a 401 that a fresh token could fix, retry once. */
  private async authorizedRequest(op: Operation, scopeText: string, request: HttpRequest): Promise<{ response: HttpResponse; auth: Authorization }> {
    const ping = await this.ping(op);
    let auth = ping.open ? ({ kind: 'anonymous' } as Authorization) : await this.authorize(op, ping.challenges, scopeText, false, ping.challengesFromAnotherHost === true);
    let response = await this.send(op, request, auth);
    if (response.status === 401) {
      const challenges = parseWwwAuthenticate(headerList(response, 'www-authenticate'));
      const bearerError = findChallenge(challenges, 'bearer')?.params['error'];
      if (auth.kind === 'bearer' && auth.fromCache && bearerError !== 'insufficient_scope') {
        // The cached token may have expired early or been revoked.
        this.tokens.delete(auth.tokenKey);
        auth = await this.authorize(op, ping.challenges, scopeText, true, ping.challengesFromAnotherHost === true);
        response = await this.send(op, request, auth);
      } else if (auth.kind === 'anonymous' && ping.open && challenges.length > 0) {
        // `/v2/` is open but this repository is not: authenticate as it asks (unless another host, reached by a redirect, is asking).
        const next = await this.authorize(op, challenges, scopeText, false, response.crossHostRedirect === true);
        if (next.kind !== 'anonymous') {
          auth = next;
          response = await this.send(op, request, auth);
        }
      }
    }
    return { response, auth };
  }

  private async send(op: Operation, request: HttpRequest, auth: Authorization): Promise<HttpResponse> {
    const headers: Record<string, string> = { ...request.headers };
    if (auth.kind !== 'anonymous') headers['authorization'] = auth.header;
    return this.transport.send({ ...request, headers }, op.scope);
  }

  private async ping(op: Operation): Promise<PingInfo> {
    const key = JSON.stringify([op.base, op.tls.caFile ?? '', Boolean(op.tls.insecureSkipTLSVerify)]);
    const cached = this.pings.get(key);
    if (cached && cached.expiresAt > this.now()) return cached;
    let pending = this.pingsInFlight.get(key);
    if (!pending) {
      pending = this.doPing(op).then((info) => {
        this.pings.set(key, { ...info, registryHost: op.registryHost });
        return info;
      });
      const registered = pending;
      this.pingsInFlight.set(key, registered);
      void registered
        .finally(() => {
          if (this.pingsInFlight.get(key) === registered) this.pingsInFlight.delete(key);
        })
        .catch(() => undefined);
    }
    return pending;
  }

  private async doPing(op: Operation): Promise<PingInfo> {
    const response = await this.transport.send({ method: 'GET', url: `${op.base}/v2/`, tls: op.tls, readBody: true }, op.scope);
    const expiresAt = this.now() + PING_TTL_MS;
    if (response.status === 200) {
      const looksLikeRegistry = header(response, 'docker-distribution-api-version') !== undefined || mediaTypeOf(response) !== 'text/html';
      if (!looksLikeRegistry) {
        throw new RegistryRequestError({
          verdict: 'protocol-error',
          httpStatus: 200,
          message: `${op.apiHost} answered /v2/ with a web page, not the registry API.`,
          hint: 'Check the endpoint: it should be the registry host itself (for example ghcr.io or 123456789012.dkr.ecr.us-east-1.amazonaws.com), not a web UI.',
        });
      }
      return { open: true, challenges: [], expiresAt };
    }
    if (response.status === 401) {
      const challenges = parseWwwAuthenticate(headerList(response, 'www-authenticate'));
      if (challenges.length === 0) {
        throw new RegistryRequestError({
          verdict: 'protocol-error',
          httpStatus: 401,
          message: `${op.apiHost} answered /v2/ with 401 but did not say how to log in (no WWW-Authenticate header).`,
          hint: 'This is not how OCI registries behave: check the endpoint, and any proxy in front of the registry.',
        });
      }
      return { open: false, challenges, expiresAt, ...(response.crossHostRedirect ? { challengesFromAnotherHost: true } : {}) };
    }
    throw this.failureFor(op, response, { kind: 'anonymous' }, 'the registry API root /v2/');
  }

  /**
   * Authorization for `challenges`. `fromAnotherHost`: they were sent by a host a redirect led to, which
   * gets no login of this registry (the check then stops if a login is at stake, or goes on anonymously).
   */
  private async authorize(op: Operation, challenges: AuthChallenge[], scopeText: string, forceFresh: boolean, fromAnotherHost: boolean): Promise<Authorization> {
    const bearer = findChallenge(challenges, 'bearer');
    const basic = findChallenge(challenges, 'basic');
    if (fromAnotherHost && op.credentials && (bearer || basic)) {
      throw new RegistryRequestError({
        verdict: 'protocol-error',
        httpStatus: 401,
        message: `${op.apiHost} redirected the request to another host, which then asked for a login; the login for ${op.registryHost} is never handed to another host, so it was not sent and the check stopped.`,
        hint: `A registry asks for its login itself and redirects only to storage that needs none. Check the endpoint of ${op.registryHost} and any proxy in front of it.`,
      });
    }
    if (bearer && bearer.params['realm']) {
      const login = await this.login(op);
      return this.bearer(op, bearer, scopeText, login, forceFresh);
    }
    if (basic) {
      const login = await this.login(op);
      return login ? { kind: 'basic', header: basicHeader(login) } : { kind: 'anonymous' };
    }
    throw new RegistryRequestError({
      verdict: 'protocol-error',
      httpStatus: 401,
      message: `${op.apiHost} asks for an authentication scheme this client does not support (${challenges.map((c) => c.scheme).join(', ')}).`,
      hint: 'Registries use Bearer tokens or Basic authentication; check that the endpoint is the registry itself and not a proxy in front of it.',
    });
  }

  /** The login to present: the credentials (normalized per provider), or for ECR the GetAuthorizationToken result. */
  private async login(op: Operation): Promise<Login | undefined> {
    const credentials = op.credentials;
    if (!credentials) return undefined;
    if (op.conn.provider !== 'ecr') {
      return { username: credentials.username, secret: credentials.secret, ...(credentials.identityToken ? { identityToken: credentials.identityToken } : {}) };
    }

    const ecrHost = parseEcrHost(op.conn.endpoint);
    const override = this.options.ecrApiEndpoint;
    if (!ecrHost && !override) {
      throw new RegistryRequestError({
        verdict: 'protocol-error',
        message: `${op.registryHost} is not an ECR registry host, so the AWS region for GetAuthorizationToken is unknown.`,
        hint: 'ECR endpoints look like <account>.dkr.ecr.<region>.amazonaws.com; for another registry choose the provider "other".',
      });
    }
    const region = ecrHost?.region ?? process.env['AWS_REGION'] ?? process.env['AWS_DEFAULT_REGION'] ?? 'us-east-1';
    const apiUrl = override ? override(region) : ecrApiUrl(ecrHost as NonNullable<typeof ecrHost>);
    const key = JSON.stringify([apiUrl, credentials.username, sha256Short(credentials.secret)]);
    const cached = this.ecrTokens.get(key);
    if (cached && cached.expiresAtMs - ECR_EXPIRY_MARGIN_MS > this.now()) return { username: cached.username, secret: cached.password };
    let pending = this.ecrInFlight.get(key);
    if (!pending) {
      pending = fetchEcrAuthorization(this.transport, op.scope, {
        apiUrl,
        region,
        accessKeyId: credentials.username,
        secretAccessKey: credentials.secret,
        nowMs: this.now(),
        tls: op.tls,
      }).then((authorization) => {
        this.ecrTokens.set(key, { ...authorization, registryHost: op.registryHost });
        return authorization;
      });
      const registered = pending;
      this.ecrInFlight.set(key, registered);
      void registered
        .finally(() => {
          if (this.ecrInFlight.get(key) === registered) this.ecrInFlight.delete(key);
        })
        .catch(() => undefined);
    }
    try {
      const authorization = await pending;
      return { username: authorization.username, secret: authorization.password };
    } catch (error) {
      if (error instanceof TransportError) {
        throw new RegistryRequestError(verdictForTransportError(error, `the ECR API (${new URL(apiUrl).host})`, this.timeouts));
      }
      throw error;
    }
  }

  private async bearer(op: Operation, challenge: AuthChallenge, scopeText: string, login: Login | undefined, forceFresh: boolean): Promise<Authorization> {
    let realm: URL;
    try {
      realm = new URL(challenge.params['realm'] ?? '', op.base);
    } catch {
      throw new RegistryRequestError({
        verdict: 'protocol-error',
        message: `${op.apiHost} named a token service that is not a valid URL (${challenge.params['realm'] ?? ''}).`,
        hint: 'Check the registry configuration (auth.token.realm).',
      });
    }
    if (login) {
      const decision = loginMayGoToRealm(new URL(op.base), realm);
      if (!decision.allowed) throw new RegistryRequestError({ verdict: 'protocol-error', httpStatus: 401, message: decision.message, hint: decision.hint });
    }
    const service = challenge.params['service'];
    const tokenKey = JSON.stringify([realm.toString(), service ?? '', scopeText, login?.username ?? '', login ? sha256Short(login.secret) : '']);
    const cached = this.tokens.get(tokenKey);
    if (!forceFresh && cached && cached.usableUntil > this.now()) return { kind: 'bearer', header: `Bearer ${cached.token}`, tokenKey, fromCache: true };

    let pending = forceFresh ? undefined : this.tokensInFlight.get(tokenKey);
    if (!pending) {
      pending = this.fetchToken(op, realm, service, scopeText, login).then(({ token, usableUntil }) => {
        this.tokens.set(tokenKey, { token, usableUntil, registryHost: op.registryHost });
        return token;
      });
      const registered = pending;
      this.tokensInFlight.set(tokenKey, registered);
      void registered
        .finally(() => {
          if (this.tokensInFlight.get(tokenKey) === registered) this.tokensInFlight.delete(tokenKey);
        })
        .catch(() => undefined);
    }
    const token = await pending;
    return { kind: 'bearer', header: `Bearer ${token}`, tokenKey, fromCache: false };
  }

  private async fetchToken(op: Operation, realm: URL, service: string | undefined, scopeText: string, login: Login | undefined): Promise<{ token: string; usableUntil: number }> {
    const url = new URL(realm.toString());
    if (service) url.searchParams.set('service', service);
    url.searchParams.append('scope', scopeText);
    const realmHost = url.host;
    let request: HttpRequest;
    if (login?.identityToken) {
      // OAuth2 refresh-token grant, as Docker does for an identity token: the realm without the
      // query, the parameters (and the token) in a form body, never in the URL.
      const form = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: login.identityToken, client_id: OAUTH_CLIENT_ID, scope: scopeText });
      if (service) form.set('service', service);
      request = { method: 'POST', url: realm.toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form.toString(), tls: op.tls, readBody: true };
    } else {
      request = { method: 'GET', url: url.toString(), headers: login ? { authorization: basicHeader(login) } : {}, tls: op.tls, readBody: true };
    }
    let response: HttpResponse;
    try {
      response = await this.transport.send(request, op.scope);
    } catch (error) {
      if (error instanceof TransportError) throw new RegistryRequestError(verdictForTransportError(error, `the token service ${realmHost}`, this.timeouts));
      throw error;
    }
    if (response.status === 200) {
      let parsed: { token?: unknown; access_token?: unknown; refresh_token?: unknown; expires_in?: unknown; issued_at?: unknown };
      try {
        parsed = JSON.parse(response.body.toString('utf8')) as typeof parsed;
        if (typeof parsed !== 'object' || parsed === null) throw new Error('not an object');
      } catch {
        throw new RegistryRequestError({
          verdict: 'protocol-error',
          httpStatus: 200,
          message: `The token service ${realmHost} answered with something that is not a JSON token.`,
          hint: 'Check that the registry\'s token realm points at its token service.',
        });
      }
      const token = typeof parsed.access_token === 'string' && parsed.access_token ? parsed.access_token : typeof parsed.token === 'string' ? parsed.token : '';
      if (!token) {
        throw new RegistryRequestError({
          verdict: 'protocol-error',
          httpStatus: 200,
          message: `The token service ${realmHost} answered without a token.`,
          hint: 'Check the registry\'s token service configuration.',
        });
      }
      registerSecret(token);
      // A rotated refresh token is a secret too, even though it is not kept.
      if (typeof parsed.refresh_token === 'string' && parsed.refresh_token) registerSecret(parsed.refresh_token);
      const lifetimeS = typeof parsed.expires_in === 'number' && parsed.expires_in > 0 ? parsed.expires_in : DEFAULT_TOKEN_LIFETIME_S;
      const now = this.now();
      const issuedAt = typeof parsed.issued_at === 'string' ? Date.parse(parsed.issued_at) : NaN;
      // Trust issued_at only to shorten the lifetime: a registry clock ahead of ours must not extend it.
      const start = Number.isFinite(issuedAt) ? Math.min(now, issuedAt) : now;
      const lifetimeMs = lifetimeS * 1000;
      const margin = Math.min(10_000, lifetimeMs / 10);
      return { token, usableUntil: start + lifetimeMs - margin };
    }
    const registryError = registryErrorFromBody(response.body);
    const withheld = withheldCredentialsRefusal(op, response, `the token service ${realmHost}`);
    if (withheld) throw withheld;
    if (login?.identityToken && (response.status === 401 || (response.status === 400 && oauthError(response.body) === 'invalid_grant'))) {
      throw new RegistryRequestError({
        verdict: 'unauthorized',
        httpStatus: response.status,
        ...(registryError ? { registryErrorCode: registryError.code } : {}),
        message: `The token service ${realmHost} rejected the identity token (OAuth2 refresh token) saved for ${op.registryHost}: it has expired or was revoked.`,
        hint: `Run \`docker login ${op.registryHost}\` again to get a fresh identity token, or save a username and password or access token for this registry instead.`,
      });
    }
    if (response.status === 401) {
      throw new RegistryRequestError({
        verdict: 'unauthorized',
        httpStatus: 401,
        ...(registryError ? { registryErrorCode: registryError.code } : {}),
        message: login
          ? `The token service ${realmHost} rejected the login for user ${login.username}.`
          : `The token service ${realmHost} does not give anonymous tokens: ${op.registryHost} requires a login.`,
      });
    }
    if (response.status === 403) {
      throw new RegistryRequestError({
        verdict: login ? 'denied' : 'unauthorized',
        httpStatus: 403,
        ...(registryError ? { registryErrorCode: registryError.code } : {}),
        message: login
          ? `The token service ${realmHost} refused user ${login.username} a token for ${scopeText}.`
          : `The token service ${realmHost} refused an anonymous token for ${scopeText}.`,
      });
    }
    throw this.failureFor(op, response, { kind: 'anonymous' }, `the token service ${realmHost}`);
  }

  // ---------------------------------------------------------------- verdicts

  /** A non-success HTTP answer (other than a manifest 404) as a verdict. */
  private failureFor(op: Operation, response: HttpResponse, auth: Authorization, what: string): RegistryRequestError {
    const status = response.status;
    const registryError = registryErrorFromBody(response.body);
    const code = registryError?.code;
    const said = registryError?.message ? ` The registry said: "${registryError.message}".` : '';
    const base = { httpStatus: status, ...(code ? { registryErrorCode: code } : {}) };
    // An anonymous token is still "no login": its refusals mean "log in", not "denied".
    const anonymous = auth.kind === 'anonymous' || !op.credentials;
    if (status === 429 || code === 'TOOMANYREQUESTS') {
      const rateLimit = rateLimitFromHeaders(response.headers, this.now());
      const wait = rateLimit?.retryAfterSeconds !== undefined ? ` Retry after ${rateLimit.retryAfterSeconds} s.` : '';
      const quota = rateLimit?.limit ? ` Limit: ${rateLimit.limit}${rateLimit.remaining !== undefined ? `, remaining: ${rateLimit.remaining}` : ''}.` : '';
      return new RegistryRequestError({ ...base, verdict: 'rate-limited', message: `${op.registryHost} is rate-limiting requests (HTTP ${status}).${wait}${quota}`, ...(rateLimit ? { rateLimit } : {}) });
    }
    const withheld = withheldCredentialsRefusal(op, response, what);
    if (withheld) return withheld;
    if (status === 401) {
      const challenge = findChallenge(parseWwwAuthenticate(headerList(response, 'www-authenticate')), 'bearer');
      const error = challenge?.params['error'];
      if (anonymous) {
        return new RegistryRequestError({ ...base, verdict: 'unauthorized', message: `${op.registryHost} requires a login to read ${what}.${said}` });
      }
      if (auth.kind === 'basic' || error === 'invalid_token') {
        return new RegistryRequestError({
          ...base,
          verdict: 'unauthorized',
          message: `${op.registryHost} rejected the ${auth.kind === 'basic' ? 'username and password' : 'token it was given'} (HTTP 401).${said}`,
        });
      }
      return new RegistryRequestError({
        ...base,
        verdict: 'denied',
        ...(code ? {} : { registryErrorCode: error === 'insufficient_scope' ? 'insufficient_scope' : 'UNAUTHORIZED' }),
        message: `The login was accepted, but it has no pull access to ${op.repository || what} on ${op.registryHost}${error ? ` (${error})` : ''}.${said}`,
      });
    }
    if (status === 403) {
      return new RegistryRequestError({
        ...base,
        verdict: anonymous ? 'unauthorized' : 'denied',
        ...(code ? {} : { registryErrorCode: 'DENIED' }),
        message: anonymous
          ? `${op.registryHost} refused anonymous access to ${what} (HTTP 403).${said}`
          : `${op.registryHost} refused access to ${what} (HTTP 403): the login works but may not pull it.${said}`,
      });
    }
    if (status === 404 && code === 'NAME_UNKNOWN') {
      return new RegistryRequestError({ ...base, verdict: 'repository-not-found', message: `The repository ${op.repository} does not exist on ${op.registryHost}.${said}` });
    }
    if (status === 404 && what === 'the registry API root /v2/') {
      return new RegistryRequestError({
        ...base,
        verdict: 'protocol-error',
        message: `${op.apiHost} has no registry API: /v2/ answered 404.`,
        hint: 'Check the endpoint: it should be the registry host (for example ghcr.io), not a web site or a path below it.',
      });
    }
    if (status >= 500) {
      return new RegistryRequestError({
        ...base,
        verdict: 'protocol-error',
        message: `${op.registryHost} failed with HTTP ${status}${code ? ` ${code}` : ''} while serving ${what}.${said}`,
        hint: 'The registry had a server-side problem: try again later; if it persists, check the registry\'s status page or logs.',
      });
    }
    return new RegistryRequestError({
      ...base,
      verdict: 'protocol-error',
      message: `${op.registryHost} answered ${what} with an unexpected HTTP ${status}${code ? ` ${code}` : ''}.${said}`,
    });
  }

  private detailsFromError(error: unknown, op: Operation): VerdictDetails {
    if (error instanceof RegistryRequestError) return error.details;
    if (error instanceof TransportError) {
      let host = op.apiHost;
      try {
        if (error.url) host = new URL(error.url).host;
      } catch {
        // keep the registry host
      }
      return verdictForTransportError(error, host, this.timeouts);
    }
    const text = error instanceof Error ? error.message : String(error);
    this.logger.error(`unexpected failure in a registry operation: ${text}`);
    return { verdict: 'protocol-error', message: `The check failed unexpectedly: ${text}.`, hint: 'Run it again; if it keeps failing, report it with the log.' };
  }

  // ---------------------------------------------------------------- plumbing

  private operation(conn: ConnectionSettings, credentials: Credentials | undefined, scope: RequestScope, counter: { count: number }, repository: string): Operation {
    let normalized = credentials;
    if (credentials) {
      registerSecret(credentials.secret);
      const profile = providerProfile(conn.provider);
      normalized = profile.normalizeCredentials ? profile.normalizeCredentials(credentials) : credentials;
    }
    const base = apiBaseUrl(conn);
    return {
      conn,
      base,
      apiHost: new URL(base).host,
      registryHost: registryHostForReference(conn.endpoint) || endpointHost(conn.endpoint),
      tls: { ...(conn.caFile ? { caFile: conn.caFile } : {}), ...(conn.insecureSkipTLSVerify ? { insecureSkipTLSVerify: true } : {}) },
      ...(normalized ? { credentials: normalized } : {}),
      scope,
      counter,
      repository,
    };
  }

  private createScope(counter: { count: number }, callerSignal?: AbortSignal, beforeSend?: () => void): { scope: RequestScope; dispose: () => void } {
    const deadline = new AbortController();
    let expired = false;
    const timer = setTimeout(() => {
      expired = true;
      deadline.abort(new Error('overall deadline'));
    }, this.timeouts.overallMs);
    timer.unref?.();
    const signal = callerSignal ? AbortSignal.any([deadline.signal, callerSignal]) : deadline.signal;
    return {
      scope: { signal, deadlineExpired: () => expired, onRequest: () => void counter.count++, ...(beforeSend ? { beforeSend } : {}) },
      dispose: () => clearTimeout(timer),
    };
  }

  /** Resolves with the shared check's result, or with a "cancelled" verdict as soon as this caller's signal aborts. */
  private raceCancel(shared: Promise<PullCheckResult>, signal: AbortSignal, image: string, anonymous: boolean, started: number): Promise<PullCheckResult> {
    const cancelled = (): PullCheckResult => ({
      verdict: 'timeout',
      image,
      message: 'The check was cancelled before it finished.',
      hint: 'Run it again.',
      requests: 0,
      durationMs: Date.now() - started,
      anonymous,
    });
    if (signal.aborted) return Promise.resolve(cancelled());
    return new Promise<PullCheckResult>((resolve) => {
      const onAbort = (): void => resolve(cancelled());
      signal.addEventListener('abort', onAbort, { once: true });
      void shared.then((result) => {
        signal.removeEventListener('abort', onAbort);
        resolve(result);
      });
    });
  }

  private async paged(
    conn: ConnectionSettings,
    credentials: Credentials | undefined,
    repository: string,
    scopeText: string,
    firstUrl: string,
    field: 'tags' | 'repositories',
    options: { cursor?: string; maxPages?: number; signal?: AbortSignal },
  ): Promise<{ items: string[]; cursor?: string }> {
    const counter = { count: 0 };
    const { scope, dispose } = this.createScope(counter, options.signal);
    const op = this.operation(conn, credentials, scope, counter, repository);
    try {
      let url = options.cursor !== undefined ? this.resolveCursor(op, options.cursor) : firstUrl;
      const maxPages = Math.max(1, options.maxPages ?? DEFAULT_MAX_PAGES);
      const visited = new Set<string>();
      const items: string[] = [];
      const seen = new Set<string>();
      for (let page = 0; page < maxPages; page++) {
        visited.add(url);
        const { response, auth } = await this.authorizedRequest(op, scopeText, { method: 'GET', url, tls: op.tls, readBody: true });
        if (response.status !== 200) {
          if (response.status === 404 && field === 'tags') {
            throw new RegistryRequestError({ verdict: 'repository-not-found', httpStatus: 404, registryErrorCode: registryErrorFromBody(response.body)?.code ?? 'NAME_UNKNOWN', message: `The repository ${repository} does not exist on ${op.registryHost}.` });
          }
          throw this.failureFor(op, response, auth, field === 'tags' ? `the tags of ${repository}` : 'the repository catalog');
        }
        let list: unknown;
        try {
          list = (JSON.parse(response.body.toString('utf8')) as Record<string, unknown>)[field];
        } catch {
          throw new RegistryRequestError({ verdict: 'protocol-error', httpStatus: 200, message: `${op.registryHost} answered the ${field} listing with something that is not JSON.` });
        }
        let added = 0;
        if (Array.isArray(list)) {
          for (const item of list) {
            if (typeof item === 'string' && !seen.has(item)) {
              seen.add(item);
              items.push(item);
              added++;
            }
          }
        }
        const link = nextLinkFrom(headerList(response, 'link'));
        if (!link) return { items };
        let next: URL;
        try {
          next = new URL(link, url);
        } catch {
          return { items };
        }
        if (next.origin !== new URL(op.base).origin) {
          this.logger.warn(`${op.registryHost} sent a next-page link to another host (${next.host}); paging stopped.`);
          return { items };
        }
        // Loop protection: a link seen before, or a page that added nothing new, ends the listing.
        if (visited.has(next.toString()) || added === 0) {
          this.logger.debug(`paging of ${field} on ${op.registryHost} stopped: the next link repeats or the page added nothing`);
          return { items };
        }
        url = next.toString();
      }
      return { items, cursor: new URL(url).pathname + new URL(url).search };
    } catch (error) {
      if (error instanceof RegistryRequestError) throw error;
      throw new RegistryRequestError(this.detailsFromError(error, op));
    } finally {
      dispose();
    }
  }

  /** A cursor is the path and query of the next page; it never leaves the registry's origin. */
  private resolveCursor(op: Operation, cursor: string): string {
    const base = new URL(op.base);
    let resolved: URL;
    try {
      resolved = new URL(cursor, base);
    } catch {
      throw new RegistryRequestError({ verdict: 'protocol-error', message: 'The paging cursor is not valid.', hint: 'Start the listing again without a cursor.' });
    }
    if (resolved.origin !== base.origin || !resolved.pathname.startsWith('/v2/')) {
      throw new RegistryRequestError({ verdict: 'protocol-error', message: 'The paging cursor does not belong to this registry.', hint: 'Start the listing again without a cursor.' });
    }
    return resolved.toString();
  }
}

export type { RateLimitInfo };
