/**
 * Getting a registry to answer: `GET /v2/` (kept per registry), its challenges, the login to present
 * (ECR's GetAuthorizationToken password, an identity token's refresh grant, Basic) and Bearer tokens
 * from the token service — kept per realm, service, scope and login until shortly before they expire,
 * one fetch in flight per key. Logins go only to token services `loginMayGoToRealm` allows, and never to
 * a host a redirect led to.
 */
import { registerSecret } from '../../log/logger';
import { InFlightCache } from '../../cache/inFlightCache';
import { findChallenge, parseWwwAuthenticate, type AuthChallenge } from '../challenge';
import { parseEcrHost } from '../endpoints';
import { RegistryRequestError, registryErrorFromBody, verdictForTransportError } from '../errors';
import { ecrApiUrl, fetchEcrAuthorization, type EcrAuthorization } from '../providers/ecr';
import { loginMayGoToRealm } from '../tokenRealm';
import { TransportError, type HttpRequest, type HttpResponse, type HttpTransport } from '../transport';
import { basicHeader, header, headerList, mediaTypeOf, sha256Short, type Authorization, type Login, type Operation } from './operation';
import { failureFor, oauthError, withheldCredentialsRefusal } from './verdicts';

const PING_TTL_MS = 10 * 60_000;
const ECR_EXPIRY_MARGIN_MS = 5 * 60_000;
const DEFAULT_TOKEN_LIFETIME_S = 60;

/** Docker's OAuth2 client id for the refresh-token grant (docker/distribution `auth.ClientID`'s default in the CLI). */
const OAUTH_CLIENT_ID = 'replicated-registries';

interface PingInfo {
  /** `/v2/` answered 200 without asking for a login. */
  open: boolean;
  challenges: AuthChallenge[];
  /** The challenges came from another host that `/v2/` redirected to: no login of this registry goes to them. */
  challengesFromAnotherHost?: boolean;
}

export interface AuthorizerOptions {
  transport: HttpTransport;
  timeouts: { overallMs: number };
  now: () => number;
  /** Where ECR's GetAuthorizationToken is called, per region (tests point it at a stand-in). */
  ecrApiEndpoint?: (region: string) => string;
}

export class Authorizer {
  private readonly transport: HttpTransport;
  private readonly timeouts: { overallMs: number };
  private readonly now: () => number;
  private readonly ecrApiEndpoint: ((region: string) => string) | undefined;
  private readonly pings: InFlightCache<PingInfo, string>;
  private readonly tokens: InFlightCache<{ token: string; usableUntil: number }, string>;
  private readonly ecrTokens: InFlightCache<EcrAuthorization, string>;

  constructor(options: AuthorizerOptions) {
    this.transport = options.transport;
    this.timeouts = options.timeouts;
    this.now = options.now;
    this.ecrApiEndpoint = options.ecrApiEndpoint;
    this.pings = new InFlightCache(this.now);
    this.tokens = new InFlightCache(this.now);
    this.ecrTokens = new InFlightCache(this.now);
  }

  /** Drops what is kept for the registries `matches` accepts (by registry host). */
  invalidate(matches: (registryHost: string) => boolean): void {
    this.pings.deleteWhere(matches);
    this.tokens.deleteWhere(matches);
    this.ecrTokens.deleteWhere(matches);
  }

  /** Ping (cached), authorize for `scopeText`, send; on a 401 that a fresh token could fix, retry once. */
  async authorizedRequest(op: Operation, scopeText: string, request: HttpRequest): Promise<{ response: HttpResponse; auth: Authorization }> {
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

  async send(op: Operation, request: HttpRequest, auth: Authorization): Promise<HttpResponse> {
    const headers: Record<string, string> = { ...request.headers };
    if (auth.kind !== 'anonymous') headers['authorization'] = auth.header;
    return this.transport.send({ ...request, headers }, op.scope);
  }

  /** `/v2/` of the operation's registry: kept for 10 minutes, one request in flight per registry. */
  private ping(op: Operation): Promise<PingInfo> {
    const key = JSON.stringify([op.base, op.tls.caFile ?? '', Boolean(op.tls.insecureSkipTLSVerify)]);
    return this.pings.obtain(key, () => this.doPing(op), () => ({ expiresAt: this.now() + PING_TTL_MS, tag: op.registryHost }));
  }

  private async doPing(op: Operation): Promise<PingInfo> {
    const response = await this.transport.send({ method: 'GET', url: `${op.base}/v2/`, tls: op.tls, readBody: true }, op.scope);
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
      return { open: true, challenges: [] };
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
      return { open: false, challenges, ...(response.crossHostRedirect ? { challengesFromAnotherHost: true } : {}) };
    }
    throw failureFor(op, response, { kind: 'anonymous' }, 'the registry API root /v2/', this.now());
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
    const override = this.ecrApiEndpoint;
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
    const pending = this.ecrTokens.obtain(
      key,
      () => fetchEcrAuthorization(this.transport, op.scope, { apiUrl, region, accessKeyId: credentials.username, secretAccessKey: credentials.secret, nowMs: this.now(), tls: op.tls }),
      (authorization) => ({ expiresAt: authorization.expiresAtMs - ECR_EXPIRY_MARGIN_MS, tag: op.registryHost }),
    );
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
    const cached = forceFresh ? undefined : this.tokens.get(tokenKey);
    if (cached) return { kind: 'bearer', header: `Bearer ${cached.token}`, tokenKey, fromCache: true };
    const { token } = await this.tokens.obtain(tokenKey, () => this.fetchToken(op, realm, service, scopeText, login), (fetched) => ({ expiresAt: fetched.usableUntil, tag: op.registryHost }), {
      useCached: false,
      shareInFlight: !forceFresh,
    });
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
    throw failureFor(op, response, { kind: 'anonymous' }, `the token service ${realmHost}`, this.now());
  }
}
