/**
 * One operation (a check, a listing) against one registry, as every part of the registry client sees
 * it: the connection, the credentials (normalized per provider), the request scope with its deadline,
 * and the small readers of an HTTP answer.
 */
import { createHash } from 'node:crypto';
import { registerSecret } from '../../log/logger';
import { apiBaseUrl, endpointHost, registryHostForReference } from '../endpoints';
import { providerProfile } from '../providers';
import type { HttpResponse, RequestScope, TlsSettings } from '../transport';
import type { ConnectionSettings, Credentials } from '../types';

export interface Operation {
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

/** How a request is authorized. */
export type Authorization = { kind: 'anonymous' } | { kind: 'basic'; header: string } | { kind: 'bearer'; header: string; tokenKey: string; fromCache: boolean };

/** The login presented to the registry or its token service (for ECR: `AWS` + the GetAuthorizationToken password). */
export interface Login {
  username: string;
  secret: string;
  /** An OAuth2 refresh token: the token step becomes Docker's POST grant_type=refresh_token. */
  identityToken?: string;
}

export function makeOperation(conn: ConnectionSettings, credentials: Credentials | undefined, scope: RequestScope, counter: { count: number }, repository: string): Operation {
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

/** A request scope with the overall deadline (and the caller's signal); `dispose` clears the timer. */
export function createScope(overallMs: number, counter: { count: number }, callerSignal?: AbortSignal, beforeSend?: () => void): { scope: RequestScope; dispose: () => void } {
  const deadline = new AbortController();
  let expired = false;
  const timer = setTimeout(() => {
    expired = true;
    deadline.abort(new Error('overall deadline'));
  }, overallMs);
  timer.unref?.();
  const signal = callerSignal ? AbortSignal.any([deadline.signal, callerSignal]) : deadline.signal;
  return {
    scope: { signal, deadlineExpired: () => expired, onRequest: () => void counter.count++, ...(beforeSend ? { beforeSend } : {}) },
    dispose: () => clearTimeout(timer),
  };
}

export function sha256Short(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

export function header(response: HttpResponse, name: string): string | undefined {
  const value = response.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

export function headerList(response: HttpResponse, name: string): string[] {
  const value = response.headers[name];
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

export function mediaTypeOf(response: HttpResponse): string | undefined {
  const contentType = header(response, 'content-type');
  return contentType?.split(';')[0]?.trim().toLowerCase() || undefined;
}

export function basicHeader(login: Login): string {
  const encoded = Buffer.from(`${login.username}:${login.secret}`, 'utf8').toString('base64');
  registerSecret(encoded);
  return `Basic ${encoded}`;
}
