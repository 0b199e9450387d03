/**
 * AWS Signature Version 4 (header form), written from the published algorithm so the engine needs
 * no AWS SDK. Pure: no I/O; the clock is a parameter.
 *
 * Scope of this implementation: what ECR's `GetAuthorizationToken` needs and what AWS's published
 * test-suite cases exercise — header signing, canonical query sorting, header-value trimming and
 * folding, optional session token. Not S3 (no `x-amz-content-sha256`, no unsigned payloads).
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export interface SigV4Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface SigV4Request {
  method: string;
  url: string;
  /** Headers to send and sign (names in any case). `host` and `x-amz-date` are added when absent. */
  headers: Record<string, string>;
  body: string | Uint8Array;
}

export interface SigV4Scope {
  region: string;
  service: string;
  /** Signing time, epoch milliseconds. */
  now: number;
}

export interface SignedRequest {
  /** Every header to send, including `host`, `x-amz-date` (and the session token) and `authorization`. */
  headers: Record<string, string>;
  authorization: string;
  canonicalRequest: string;
  stringToSign: string;
  signature: string;
  signedHeaders: string;
  /** `YYYYMMDD/region/service/aws4_request` */
  credentialScope: string;
}

const ALGORITHM = 'AWS4-HMAC-SHA256';

export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

function hmac(key: string | Buffer, data: string): Buffer {
  return createHmac('sha256', key).update(data, 'utf8').digest();
}

/** `20150830T123600Z` */
export function amzDate(epochMs: number): string {
  return new Date(epochMs).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

/** RFC 3986 encoding as SigV4 requires: everything but unreserved characters is percent-encoded. */
export function uriEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (ch) => '%' + ch.charCodeAt(0).toString(16).toUpperCase());
}

export function deriveSigningKey(secretAccessKey: string, date: string, region: string, service: string): Buffer {
  const kDate = hmac('AWS4' + secretAccessKey, date);
  const kRegion = hmac(kDate, region);
  const kService = hmac(kRegion, service);
  return hmac(kService, 'aws4_request');
}

function canonicalUri(pathname: string): string {
  if (pathname === '') return '/';
  // URL has already removed dot segments; encode each segment once (non-S3 services).
  return pathname
    .split('/')
    .map((segment) => uriEncode(safeDecode(segment)))
    .join('/');
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function canonicalQuery(search: string): string {
  const raw = search.startsWith('?') ? search.slice(1) : search;
  if (raw === '') return '';
  const pairs = raw
    .split('&')
    .filter((part) => part !== '')
    .map((part) => {
      const eq = part.indexOf('=');
      const key = eq === -1 ? part : part.slice(0, eq);
      const value = eq === -1 ? '' : part.slice(eq + 1);
      return [uriEncode(safeDecode(key.replace(/\+/g, ' '))), uriEncode(safeDecode(value.replace(/\+/g, ' ')))] as const;
    });
  pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
  return pairs.map(([k, v]) => `${k}=${v}`).join('&');
}

function normalizeHeaderValue(value: string): string {
  return value.trim().replace(/\s+/g, ' ');
}

/** Builds the canonical headers block and the signed-headers list from a header map. */
function canonicalHeaders(headers: Record<string, string>): { block: string; signed: string } {
  const merged = new Map<string, string[]>();
  for (const [name, value] of Object.entries(headers)) {
    const lower = name.toLowerCase();
    const list = merged.get(lower) ?? [];
    list.push(normalizeHeaderValue(value));
    merged.set(lower, list);
  }
  const names = [...merged.keys()].sort();
  return {
    block: names.map((n) => `${n}:${(merged.get(n) ?? []).join(',')}\n`).join(''),
    signed: names.join(';'),
  };
}

/** Signs a request with SigV4 (Authorization header form). */
export function signRequest(request: SigV4Request, credentials: SigV4Credentials, scope: SigV4Scope): SignedRequest {
  const url = new URL(request.url);
  const date = amzDate(scope.now);
  const day = date.slice(0, 8);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) headers[name] = value;
  const lowerNames = new Set(Object.keys(headers).map((n) => n.toLowerCase()));
  if (!lowerNames.has('host')) headers['host'] = url.host;
  if (!lowerNames.has('x-amz-date')) headers['x-amz-date'] = date;
  if (credentials.sessionToken && !lowerNames.has('x-amz-security-token')) headers['x-amz-security-token'] = credentials.sessionToken;

  const { block, signed } = canonicalHeaders(headers);
  const canonicalRequest = [
    request.method.toUpperCase(),
    canonicalUri(url.pathname),
    canonicalQuery(url.search),
    block,
    signed,
    sha256Hex(request.body),
  ].join('\n');
  const credentialScope = `${day}/${scope.region}/${scope.service}/aws4_request`;
  const stringToSign = [ALGORITHM, date, credentialScope, sha256Hex(canonicalRequest)].join('\n');
  const signature = createHmac('sha256', deriveSigningKey(credentials.secretAccessKey, day, scope.region, scope.service))
    .update(stringToSign, 'utf8')
    .digest('hex');
  const authorization = `${ALGORITHM} Credential=${credentials.accessKeyId}/${credentialScope}, SignedHeaders=${signed}, Signature=${signature}`;
  return { headers: { ...headers, authorization }, authorization, canonicalRequest, stringToSign, signature, signedHeaders: signed, credentialScope };
}

export interface SigV4Verification {
  ok: boolean;
  /** Why verification failed (never contains a secret). */
  reason?: string;
  accessKeyId?: string;
  region?: string;
  service?: string;
}

/**
 * Verifies an incoming SigV4-signed request (used by test stand-ins for AWS endpoints).
 * `headers` are the received headers, names lower-cased; `lookupSecret` maps an access key id to its secret.
 */
export function verifySignedRequest(
  request: { method: string; url: string; headers: Record<string, string | string[] | undefined>; body: string | Uint8Array },
  lookupSecret: (accessKeyId: string) => string | undefined,
): SigV4Verification {
  const authorization = headerValue(request.headers['authorization']);
  const match = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})$/.exec(authorization ?? '');
  if (!match) return { ok: false, reason: 'missing or malformed Authorization header' };
  const [, accessKeyId = '', day = '', region = '', service = '', signedList = '', signature = ''] = match;
  const secret = lookupSecret(accessKeyId);
  if (secret === undefined) return { ok: false, reason: 'unknown access key id', accessKeyId };
  const date = headerValue(request.headers['x-amz-date']);
  if (!date || !/^\d{8}T\d{6}Z$/.test(date) || date.slice(0, 8) !== day) return { ok: false, reason: 'missing or inconsistent x-amz-date', accessKeyId };
  const signedHeaders: Record<string, string> = {};
  for (const name of signedList.split(';')) {
    const value = headerValue(request.headers[name]);
    if (value === undefined) return { ok: false, reason: `signed header ${name} is missing`, accessKeyId };
    signedHeaders[name] = value;
  }
  if (!('host' in signedHeaders)) return { ok: false, reason: 'host is not signed', accessKeyId };
  const epoch = Date.UTC(+date.slice(0, 4), +date.slice(4, 6) - 1, +date.slice(6, 8), +date.slice(9, 11), +date.slice(11, 13), +date.slice(13, 15));
  const expected = signRequest({ method: request.method, url: request.url, headers: signedHeaders, body: request.body }, { accessKeyId, secretAccessKey: secret }, { region, service, now: epoch });
  const same = expected.signature.length === signature.length && timingSafeEqual(Buffer.from(expected.signature), Buffer.from(signature));
  return same ? { ok: true, accessKeyId, region, service } : { ok: false, reason: 'signature does not match', accessKeyId, region, service };
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(',') : value;
}
