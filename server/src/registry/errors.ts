/** Failures of registry operations, each already sorted into a verdict with plain words and advice. */
import { redact } from '../log/logger';
import type { ConnectionProblem, RateLimitInfo, Verdict } from './types';
import type { TransportError } from './transport';

export interface VerdictDetails {
  verdict: Exclude<Verdict, 'ok'>;
  message: string;
  hint?: string;
  httpStatus?: number;
  registryErrorCode?: string;
  rateLimit?: RateLimitInfo;
  connectionProblem?: ConnectionProblem;
}

/** Thrown by listTags/listRepositories; carries the same verdict, message and hint a pull check would give. */
export class RegistryRequestError extends Error implements VerdictDetails {
  readonly verdict: VerdictDetails['verdict'];
  readonly hint?: string;
  readonly httpStatus?: number;
  readonly registryErrorCode?: string;
  readonly rateLimit?: RateLimitInfo;
  readonly connectionProblem?: ConnectionProblem;

  constructor(details: VerdictDetails) {
    // Messages may quote the registry; a known secret never rides along.
    super(redact(details.message));
    this.name = 'RegistryRequestError';
    this.verdict = details.verdict;
    if (details.hint !== undefined) this.hint = redact(details.hint);
    if (details.httpStatus !== undefined) this.httpStatus = details.httpStatus;
    if (details.registryErrorCode !== undefined) this.registryErrorCode = details.registryErrorCode;
    if (details.rateLimit !== undefined) this.rateLimit = details.rateLimit;
    if (details.connectionProblem !== undefined) this.connectionProblem = details.connectionProblem;
  }

  get details(): VerdictDetails {
    return {
      verdict: this.verdict,
      message: this.message,
      ...(this.hint !== undefined ? { hint: this.hint } : {}),
      ...(this.httpStatus !== undefined ? { httpStatus: this.httpStatus } : {}),
      ...(this.registryErrorCode !== undefined ? { registryErrorCode: this.registryErrorCode } : {}),
      ...(this.rateLimit !== undefined ? { rateLimit: this.rateLimit } : {}),
      ...(this.connectionProblem !== undefined ? { connectionProblem: this.connectionProblem } : {}),
    };
  }
}

function seconds(ms: number): string {
  return ms >= 1000 ? `${Math.round(ms / 100) / 10} s` : `${ms} ms`;
}

/** Turns a failure below HTTP into a verdict. `host` is the host that failed (registry, token realm or AWS API). */
export function verdictForTransportError(error: TransportError, host: string, timeouts: { overallMs: number }): VerdictDetails {
  switch (error.failure) {
    case 'timeout':
      return {
        verdict: 'timeout',
        message: error.message.startsWith('the overall deadline')
          ? `${host} did not answer within the ${seconds(timeouts.overallMs)} limit for the whole check.`
          : `${host} did not answer in time (${error.message}).`,
        // No setting raises the timeouts, so the hint must not suggest one: it names what the user can act on.
        hint: 'Check that the registry is up and reachable from this machine (VPN, firewall, proxy settings), then run the check again; if the registry is only slow, try again when it is less busy.',
      };
    case 'cancelled':
      return { verdict: 'timeout', message: `The check was cancelled before ${host} answered.`, hint: 'Run the check again.' };
    case 'unreachable': {
      const code = error.code ?? '';
      const what =
        code === 'ECONNREFUSED'
          ? `Nothing accepts connections at ${host} (connection refused).`
          : code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAI_NONAME'
            ? `The host name of ${host} could not be resolved (DNS lookup failed).`
            : code === 'ECONNRESET' || code === 'UND_ERR_SOCKET' || code === 'EPIPE'
              ? `${host} closed the connection before answering.`
              : `${host} could not be reached (${code || error.message}).`;
      return {
        verdict: 'unreachable',
        message: what,
        hint: 'Check the endpoint spelling and port, that the registry is running, and your network: VPN, firewall, and HTTPS_PROXY / NO_PROXY (or VS Code http.proxy).',
      };
    }
    case 'tls': {
      const mismatch = error.code === 'ERR_TLS_CERT_ALTNAME_INVALID' || error.code === 'HOSTNAME_MISMATCH';
      const expired = error.code === 'CERT_HAS_EXPIRED';
      return {
        verdict: 'tls-untrusted',
        connectionProblem: 'tls-untrusted',
        message: mismatch
          ? `The TLS certificate of ${host} is for a different host name, so it is not trusted (${error.code}).`
          : expired
            ? `The TLS certificate of ${host} has expired.`
            : `The TLS certificate of ${host} is not trusted: it is self-signed or signed by an unknown CA (${error.code ?? error.message}).`,
        hint: mismatch
          ? 'Use the host name the certificate was issued for as the endpoint, or reissue the certificate for this name; for a throwaway dev registry only, set insecureSkipTLSVerify (CLI: --insecure-skip-tls-verify).'
          : "If the registry uses a private CA, set caFile to that CA's PEM file (CLI: --ca-file); for a throwaway dev registry only, set insecureSkipTLSVerify (CLI: --insecure-skip-tls-verify).",
      };
    }
    case 'not-tls':
      return {
        verdict: 'protocol-error',
        connectionProblem: 'not-tls',
        message: `${host} did not answer with TLS; it may only speak plain HTTP (${error.code ?? error.message}).`,
        hint: 'If this is a plain-HTTP development registry, set plainHttp (CLI: --plain-http); otherwise check the port.',
      };
    case 'oversized':
      return {
        verdict: 'protocol-error',
        message: `The answer from ${host} was too large to be a registry API answer (${error.message}).`,
        hint: 'Check that the endpoint points at the registry itself and not at a web page or a proxy.',
      };
    case 'redirects':
      return { verdict: 'protocol-error', message: `A redirect from ${host} was not followed: ${error.message}.`, hint: 'Check the endpoint: it may point at a login page or a misconfigured proxy.' };
    case 'config':
      return { verdict: 'tls-untrusted', message: `The registry's TLS settings could not be used: ${error.message}.`, hint: 'Point caFile at a readable PEM file that holds the CA certificate(s).' };
  }
}

/** Reads `Retry-After` (seconds or HTTP date) and Docker Hub's `ratelimit-*` headers. */
export function rateLimitFromHeaders(headers: Record<string, string | string[] | undefined>, nowMs: number): RateLimitInfo | undefined {
  const first = (name: string): string | undefined => {
    const value = headers[name];
    return Array.isArray(value) ? value[0] : value;
  };
  const info: RateLimitInfo = {};
  const retryAfter = first('retry-after');
  if (retryAfter !== undefined) {
    const trimmed = retryAfter.trim();
    if (/^\d+$/.test(trimmed)) info.retryAfterSeconds = Number(trimmed);
    else {
      const at = Date.parse(trimmed);
      if (Number.isFinite(at)) info.retryAfterSeconds = Math.max(0, Math.ceil((at - nowMs) / 1000));
    }
  }
  const limit = first('ratelimit-limit') ?? first('x-ratelimit-limit');
  const remaining = first('ratelimit-remaining') ?? first('x-ratelimit-remaining');
  if (limit !== undefined) info.limit = limit;
  if (remaining !== undefined) info.remaining = remaining;
  return Object.keys(info).length > 0 ? info : undefined;
}

/** The first `{errors:[{code,message}]}` entry of a registry error body, if the body is one. */
export function registryErrorFromBody(body: Buffer): { code: string; message?: string } | undefined {
  if (body.length === 0) return undefined;
  try {
    const parsed: unknown = JSON.parse(body.toString('utf8'));
    if (typeof parsed !== 'object' || parsed === null) return undefined;
    const errors = (parsed as { errors?: unknown }).errors;
    if (!Array.isArray(errors) || errors.length === 0) return undefined;
    const first: unknown = errors[0];
    if (typeof first !== 'object' || first === null) return undefined;
    const code = (first as { code?: unknown }).code;
    const message = (first as { message?: unknown }).message;
    if (typeof code !== 'string') return undefined;
    return typeof message === 'string' ? { code, message } : { code };
  } catch {
    return undefined;
  }
}
