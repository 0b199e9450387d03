/**
 * The OCI distribution client behind "test": the pull check (`GET /v2/` → challenge → token →
 * `HEAD` manifest), tag and catalog listing. Shared by the CLI and the language server. This file is its
 * face (result cache, rate-limit waits, deadlines); client/ holds the parts: authorizer.ts (ping, login,
 * tokens), manifestCheck.ts, listing.ts, verdicts.ts, operation.ts.
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
import { InFlightCache } from '../cache/inFlightCache';
import { redact, redactingLogger, silentLogger, type Logger } from '../log/logger';
import { Authorizer } from './client/authorizer';
import { paged } from './client/listing';
import { checkManifest, imageDetails, type ImageDetails } from './client/manifestCheck';
import { createScope, makeOperation, sha256Short } from './client/operation';
import { detailsFromError } from './client/verdicts';
import { apiBaseUrl, endpointMatchesDomain, formatImage, registryHostForReference } from './endpoints';
import { RegistryRequestError, rateLimitFromHeaders, type VerdictDetails } from './errors';
import { genericHint } from './hints';
import { providerProfile } from './providers';
import { HttpTransport, TransportError, type TlsSettings } from './transport';
import type { ConnectionSettings, Credentials, ImageTarget, PullCheckResult, RateLimitInfo, Verdict } from './types';

export { RegistryRequestError, type VerdictDetails } from './errors';
export { nextLinkFrom } from './client/listing';
export { MANIFEST_MEDIA_TYPES, type ImageDetails } from './client/manifestCheck';
export type { ImageTarget } from './types';

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

const DEFAULTS = { connectMs: 5_000, headersMs: 10_000, bodyMs: 10_000, overallMs: 30_000, maxResponseBytes: 4 * 1024 * 1024, concurrency: 6, cacheTtlMs: 5 * 60_000 };
/** How long a registry that answered 429 without Retry-After is left alone, and the longest wait honoured. */
const DEFAULT_RATE_LIMIT_BACKOFF_S = 30;
const MAX_RATE_LIMIT_BACKOFF_S = 15 * 60;
/** Verdicts that say something lasting about the registry; the others are worth retrying at once. */
const CACHEABLE_VERDICTS = new Set<Verdict>(['ok', 'unauthorized', 'denied', 'repository-not-found', 'tag-not-found']);

/** What `probe` found: the scheme that answered, whether its certificate is trusted here, or why nothing did. */
export interface ProbeOutcome {
  answeredOver?: 'https' | 'http';
  tls?: 'verified' | 'untrusted';
  /** The HTTP status of `/v2/` on the scheme that answered. */
  status?: number;
  /** Why HTTPS (with verification) failed, when it did. */
  failure?: VerdictDetails;
}

/** A registry that answered 429: left alone until `until`. */
interface RateLimitBackoff {
  registryHost: string;
  until: number;
  result: PullCheckResult;
}

export class RegistryClient {
  private readonly transport: HttpTransport;
  private readonly authorizer: Authorizer;
  private readonly logger: Logger;
  private readonly timeouts: { connectMs: number; headersMs: number; bodyMs: number; overallMs: number };
  private readonly cacheTtlMs: number;
  private readonly now: () => number;
  /** Whole results (definitive verdicts only), and identical checks in flight sharing one request chain. */
  private readonly results: InFlightCache<PullCheckResult, string>;
  /** Registries (by API base URL) that answered 429: no new check goes to them before `until`. */
  private readonly rateLimited = new Map<string, RateLimitBackoff>();

  constructor(options: RegistryClientOptions = {}) {
    this.logger = redactingLogger(options.logger ?? silentLogger);
    this.timeouts = {
      connectMs: options.timeouts?.connectMs ?? DEFAULTS.connectMs,
      headersMs: options.timeouts?.headersMs ?? DEFAULTS.headersMs,
      bodyMs: options.timeouts?.bodyMs ?? DEFAULTS.bodyMs,
      overallMs: options.timeouts?.overallMs ?? DEFAULTS.overallMs,
    };
    this.cacheTtlMs = options.cacheTtlMs ?? DEFAULTS.cacheTtlMs;
    this.now = options.now ?? ((): number => Date.now());
    this.results = new InFlightCache(this.now);
    this.transport = new HttpTransport({
      timeouts: this.timeouts,
      maxResponseBytes: options.maxResponseBytes ?? DEFAULTS.maxResponseBytes,
      maxConcurrencyPerHost: Math.max(1, options.maxConcurrencyPerRegistry ?? DEFAULTS.concurrency),
      ...(options.proxy ? { proxy: options.proxy } : {}),
      logger: this.logger,
      userAgent: options.userAgent ?? 'replicated-registries/0.1',
    });
    this.authorizer = new Authorizer({ transport: this.transport, timeouts: this.timeouts, now: this.now, ...(options.ecrApiEndpoint ? { ecrApiEndpoint: options.ecrApiEndpoint } : {}) });
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
      if (cached) return { ...cached, requests: 0, durationMs: Date.now() - started };
    }
    const backoffKey = apiBaseUrl(conn);
    if (!options.noCache) {
      const backoff = this.rateLimited.get(backoffKey);
      if (backoff && backoff.until > this.now()) return this.skippedForRateLimit(backoff, image, credentials === undefined, started);
      if (backoff) this.rateLimited.delete(backoffKey);
    }
    const joined = this.results.isInFlight(key);
    const shared = this.results.obtain(
      key,
      async () => {
        const result = await this.runCheck(conn, credentials, target, Boolean(options.readPlatforms), options.noCache ? undefined : backoffKey);
        // A normal answer ends a wait early (the rate-limit wait itself is started by the 429, in runCheck).
        if (result.verdict !== 'rate-limited' && result.httpStatus !== undefined) this.rateLimited.delete(backoffKey);
        return result;
      },
      (result) => (this.cacheTtlMs > 0 && CACHEABLE_VERDICTS.has(result.verdict) ? { expiresAt: this.now() + this.cacheTtlMs, tag: registryHostForReference(conn.endpoint) } : undefined),
      { useCached: false },
    );
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
    const { items, cursor } = await paged(this.authorizer, this.listingContext(), conn, credentials, repository, `repository:${repository}:pull`, first, 'tags', options);
    return cursor !== undefined ? { tags: items, cursor } : { tags: items };
  }

  /** Optional browsing through `/v2/_catalog` (never used to test a connection). Throws RegistryRequestError. */
  async listRepositories(
    conn: ConnectionSettings,
    credentials: Credentials | undefined,
    options: { pageSize?: number; cursor?: string; maxPages?: number; signal?: AbortSignal } = {},
  ): Promise<{ repositories: string[]; cursor?: string }> {
    const first = `${apiBaseUrl(conn)}/v2/_catalog${options.pageSize ? `?n=${options.pageSize}` : ''}`;
    const { items, cursor } = await paged(this.authorizer, this.listingContext(), conn, credentials, '', 'registry:catalog:*', first, 'repositories', options);
    return cursor !== undefined ? { repositories: items, cursor } : { repositories: items };
  }

  /**
   * Which scheme a host answers `GET /v2/` on, as Docker tries a registry it may reach insecurely: HTTPS
   * with the certificate verified, else HTTPS not verified (an untrusted certificate is still TLS), else
   * plain HTTP. No credentials are sent; each try is one request.
   */
  async probe(conn: ConnectionSettings): Promise<ProbeOutcome> {
    const host = new URL(apiBaseUrl({ ...conn, plainHttp: false })).host;
    const tls = conn.caFile ? { caFile: conn.caFile } : {};
    const attempt = async (url: string, settings: TlsSettings): Promise<{ status: number } | { failure: VerdictDetails; kind: TransportError['failure'] | 'other' }> => {
      const counter = { count: 0 };
      const { scope, dispose } = createScope(this.timeouts.overallMs, counter);
      try {
        const response = await this.transport.send({ method: 'GET', url, tls: settings, readBody: false }, scope);
        return { status: response.status };
      } catch (error) {
        const kind = error instanceof TransportError ? error.failure : 'other';
        const op = makeOperation(conn, undefined, scope, counter, '');
        return { failure: detailsFromError(error, op, this.timeouts, this.logger), kind };
      } finally {
        dispose();
      }
    };
    const https = await attempt(`https://${host}/v2/`, tls);
    if ('status' in https) return { answeredOver: 'https', tls: 'verified', status: https.status };
    if (https.kind === 'tls') {
      const unverified = await attempt(`https://${host}/v2/`, { ...tls, insecureSkipTLSVerify: true });
      if ('status' in unverified) return { answeredOver: 'https', tls: 'untrusted', status: unverified.status, failure: https.failure };
    }
    if (https.kind === 'not-tls' || https.kind === 'tls' || https.kind === 'unreachable') {
      const plain = await attempt(`http://${host}/v2/`, {});
      if ('status' in plain) return { answeredOver: 'http', status: plain.status, failure: https.failure };
    }
    return { failure: https.failure };
  }

  /** A tag's digest, platforms and build time, for browsing (a few GETs; never cached). Throws RegistryRequestError. */
  async imageDetails(conn: ConnectionSettings, credentials: Credentials | undefined, target: ImageTarget, options: { signal?: AbortSignal } = {}): Promise<ImageDetails> {
    const counter = { count: 0 };
    const { scope, dispose } = createScope(this.timeouts.overallMs, counter, options.signal);
    const op = makeOperation(conn, credentials, scope, counter, target.repository);
    try {
      return await imageDetails(this.authorizer, op, target, { now: this.now, logger: this.logger });
    } catch (error) {
      if (error instanceof RegistryRequestError) throw error;
      throw new RegistryRequestError(detailsFromError(error, op, this.timeouts, this.logger));
    } finally {
      dispose();
    }
  }

  /** Drops cached pings, tokens and results — all, or those of one registry endpoint. */
  invalidate(endpoint?: string): void {
    const matches = (registryHost: string): boolean => endpoint === undefined || endpointMatchesDomain(endpoint, registryHost);
    this.authorizer.invalidate(matches);
    this.results.deleteWhere(matches);
    for (const [key, backoff] of this.rateLimited) if (matches(backoff.registryHost)) this.rateLimited.delete(key);
  }

  async close(): Promise<void> {
    this.invalidate();
    await this.transport.close();
  }

  private listingContext(): { now: () => number; logger: Logger; overallMs: number } {
    return { now: this.now, logger: this.logger, overallMs: this.timeouts.overallMs };
  }

  // ---------------------------------------------------------------- rate-limit waits

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
    const { scope, dispose } = createScope(this.timeouts.overallMs, counter, undefined, beforeSend);
    // Start the wait the moment the registry answers 429, before any request queued behind this one is sent.
    const registryBase = apiBaseUrl(conn);
    scope.onResponse = (status, headers): void => {
      if (status !== 429) return;
      const rateLimit = rateLimitFromHeaders(headers, this.now());
      const waitS = Math.min(MAX_RATE_LIMIT_BACKOFF_S, Math.max(1, rateLimit?.retryAfterSeconds ?? DEFAULT_RATE_LIMIT_BACKOFF_S));
      const result: PullCheckResult = { verdict: 'rate-limited', image: formatImage(conn, target), httpStatus: 429, message: '', requests: 0, durationMs: 0, ...(rateLimit ? { rateLimit } : {}) };
      this.rateLimited.set(registryBase, { registryHost: registryHostForReference(conn.endpoint), until: this.now() + waitS * 1000, result });
    };
    const op = makeOperation(conn, credentials, scope, counter, target.repository);
    let details: VerdictDetails | undefined;
    let ok: Partial<PullCheckResult> | undefined;
    try {
      ok = await checkManifest(this.authorizer, op, target, readPlatforms, { now: this.now, logger: this.logger });
    } catch (error) {
      details = detailsFromError(error, op, this.timeouts, this.logger);
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
}

export type { RateLimitInfo };
