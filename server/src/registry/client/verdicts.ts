/**
 * A registry's answers as verdicts: a non-success HTTP answer, a failure below HTTP, and a refusal from a
 * host a redirect led to (where the login was deliberately withheld), each with a message and a next step.
 */
import type { Logger } from '../../log/logger';
import { findChallenge, parseWwwAuthenticate } from '../challenge';
import { RegistryRequestError, rateLimitFromHeaders, registryErrorFromBody, verdictForTransportError, type VerdictDetails } from '../errors';
import { TransportError, type HttpResponse } from '../transport';
import { headerList, type Authorization, type Operation } from './operation';

/**
 * A 401/403 from a host a redirect led to, after the transport withheld the Authorization header
 * there on purpose: calling it "unauthorized" would send the vendor chasing a password that is fine.
 */
export function withheldCredentialsRefusal(op: Operation, response: HttpResponse, what: string): RegistryRequestError | undefined {
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
export function oauthError(body: Buffer): string | undefined {
  try {
    const parsed = JSON.parse(body.toString('utf8')) as { error?: unknown };
    return typeof parsed.error === 'string' ? parsed.error : undefined;
  } catch {
    return undefined;
  }
}

/** A non-success HTTP answer (other than a manifest 404) as a verdict. */
export function failureFor(op: Operation, response: HttpResponse, auth: Authorization, what: string, now: number): RegistryRequestError {
  const status = response.status;
  const registryError = registryErrorFromBody(response.body);
  const code = registryError?.code;
  const said = registryError?.message ? ` The registry said: "${registryError.message}".` : '';
  const base = { httpStatus: status, ...(code ? { registryErrorCode: code } : {}) };
  // An anonymous token is still "no login": its refusals mean "log in", not "denied".
  const anonymous = auth.kind === 'anonymous' || !op.credentials;
  if (status === 429 || code === 'TOOMANYREQUESTS') {
    const rateLimit = rateLimitFromHeaders(response.headers, now);
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
  if (status === 400 && op.base.startsWith('http:') && what === 'the registry API root /v2/') {
    // No registry answers 400 to `GET /v2/`; a TLS server answers a plain-HTTP request so (Go's: "Client sent
    // an HTTP request to an HTTPS server"), with a body the connection may close before it is read.
    return new RegistryRequestError({
      ...base,
      verdict: 'protocol-error',
      connectionProblem: 'https-only',
      message: `${op.registryHost} answered plain HTTP with HTTP 400, as a server that speaks HTTPS does.`,
      hint: 'Turn plain HTTP off for this registry (plainHttp; CLI: drop --plain-http).',
    });
  }
  return new RegistryRequestError({
    ...base,
    verdict: 'protocol-error',
    message: `${op.registryHost} answered ${what} with an unexpected HTTP ${status}${code ? ` ${code}` : ''}.${said}`,
  });
}

export function detailsFromError(error: unknown, op: Operation, timeouts: { overallMs: number }, logger: Logger): VerdictDetails {
  if (error instanceof RegistryRequestError) return error.details;
  if (error instanceof TransportError) {
    let host = op.apiHost;
    try {
      if (error.url) host = new URL(error.url).host;
    } catch {
      // keep the registry host
    }
    return verdictForTransportError(error, host, timeouts);
  }
  const text = error instanceof Error ? error.message : String(error);
  logger.error(`unexpected failure in a registry operation: ${text}`);
  return { verdict: 'protocol-error', message: `The check failed unexpectedly: ${text}.`, hint: 'Run it again; if it keeps failing, report it with the log.' };
}

