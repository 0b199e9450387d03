/**
 * Amazon ECR: the registry challenges Basic; the password comes from the ECR API's
 * `GetAuthorizationToken`, called with a SigV4-signed POST using the access key pair
 * (credentials: username = access key id, secret = secret access key).
 */
import { registerSecret } from '../../log/logger';
import { parseEcrHost, type EcrHost } from '../endpoints';
import { RegistryRequestError } from '../errors';
import { signRequest } from '../sigv4';
import type { HttpTransport, RequestScope, TlsSettings } from '../transport';
import type { ProviderProfile } from './provider';

export { parseEcrHost, type EcrHost };

export const ECR_TARGET = 'AmazonEC2ContainerRegistry_V20150921.GetAuthorizationToken';
export const ECR_CONTENT_TYPE = 'application/x-amz-json-1.1';

/** The ECR API endpoint that serves a registry host's region and partition. */
export function ecrApiUrl(host: EcrHost): string {
  const suffix = host.dnsSuffix === 'on.aws' ? 'amazonaws.com' : host.dnsSuffix;
  return host.fips ? `https://ecr-fips.${host.region}.${suffix}/` : `https://api.ecr.${host.region}.${suffix}/`;
}

export interface EcrAuthorization {
  username: string;
  password: string;
  /** Epoch ms when ECR says the password stops working. */
  expiresAtMs: number;
}

const UNAUTHORIZED_TYPES = new Set([
  'UnrecognizedClientException',
  'InvalidSignatureException',
  'IncompleteSignature',
  'MissingAuthenticationToken',
  'InvalidClientTokenId',
  'SignatureDoesNotMatch',
  'ExpiredTokenException',
  'NotAuthorized',
]);

function awsErrorType(body: Buffer): { type?: string; message?: string } {
  try {
    const parsed: unknown = JSON.parse(body.toString('utf8'));
    if (typeof parsed !== 'object' || parsed === null) return {};
    const rawType = (parsed as { __type?: unknown }).__type;
    const rawMessage = (parsed as { message?: unknown; Message?: unknown }).message ?? (parsed as { Message?: unknown }).Message;
    return {
      ...(typeof rawType === 'string' ? { type: rawType.split('#').pop() ?? rawType } : {}),
      ...(typeof rawMessage === 'string' ? { message: rawMessage } : {}),
    };
  } catch {
    return {};
  }
}

/** Calls GetAuthorizationToken. Throws RegistryRequestError with a verdict on any failure. */
export async function fetchEcrAuthorization(
  transport: HttpTransport,
  scope: RequestScope,
  request: { apiUrl: string; region: string; accessKeyId: string; secretAccessKey: string; nowMs: number; tls: TlsSettings },
): Promise<EcrAuthorization> {
  const apiHost = new URL(request.apiUrl).host;
  if (request.accessKeyId.trim() === '' || request.secretAccessKey === '') {
    throw new RegistryRequestError({
      verdict: 'unauthorized',
      message: 'ECR needs an AWS access key: the username must be the access key id and the secret the secret access key.',
      hint: 'Enter the access key id (AKIA...) as the username and its secret access key as the password.',
    });
  }
  const body = '{}';
  const signed = signRequest(
    { method: 'POST', url: request.apiUrl, headers: { 'content-type': ECR_CONTENT_TYPE, 'x-amz-target': ECR_TARGET }, body },
    { accessKeyId: request.accessKeyId, secretAccessKey: request.secretAccessKey },
    { region: request.region, service: 'ecr', now: request.nowMs },
  );
  // `host` is set by the HTTP layer from the URL; sending it twice would be refused.
  const { host: _host, ...headers } = signed.headers;
  const response = await transport.send({ method: 'POST', url: request.apiUrl, headers, body, tls: request.tls, readBody: true }, scope);

  if (response.status === 200) {
    let token: unknown;
    let expiresAt: unknown;
    try {
      const parsed = JSON.parse(response.body.toString('utf8')) as { authorizationData?: Array<{ authorizationToken?: unknown; expiresAt?: unknown }> };
      token = parsed.authorizationData?.[0]?.authorizationToken;
      expiresAt = parsed.authorizationData?.[0]?.expiresAt;
    } catch {
      token = undefined;
    }
    const decoded = typeof token === 'string' ? Buffer.from(token, 'base64').toString('utf8') : '';
    const colon = decoded.indexOf(':');
    if (colon <= 0) {
      throw new RegistryRequestError({
        verdict: 'protocol-error',
        httpStatus: 200,
        message: `The ECR API at ${apiHost} answered GetAuthorizationToken without a usable authorizationToken.`,
        hint: 'Check that the ECR API endpoint is the real AWS one for this region.',
      });
    }
    const password = decoded.slice(colon + 1);
    registerSecret(password);
    if (typeof token === 'string') registerSecret(token);
    const expiresAtMs =
      typeof expiresAt === 'number' ? expiresAt * 1000 : typeof expiresAt === 'string' && Number.isFinite(Date.parse(expiresAt)) ? Date.parse(expiresAt) : request.nowMs + 12 * 3600_000;
    return { username: decoded.slice(0, colon), password, expiresAtMs };
  }

  const { type, message } = awsErrorType(response.body);
  const said = message ? ` AWS said: "${message}"` : '';
  if (type && UNAUTHORIZED_TYPES.has(type)) {
    throw new RegistryRequestError({
      verdict: 'unauthorized',
      httpStatus: response.status,
      registryErrorCode: type,
      message: `AWS rejected the access key (${type}).${said}`,
      hint: 'Check the access key id (username) and the secret access key; make sure the key is active in IAM and belongs to the partition of this registry.',
    });
  }
  if (type === 'AccessDeniedException' || response.status === 403) {
    throw new RegistryRequestError({
      verdict: 'denied',
      httpStatus: response.status,
      registryErrorCode: type ?? 'AccessDenied',
      message: `The access key is valid but may not call ecr:GetAuthorizationToken.${said}`,
      hint: 'Attach an IAM policy that allows ecr:GetAuthorizationToken (resource "*") plus ecr:BatchGetImage and ecr:GetDownloadUrlForLayer on the repositories.',
    });
  }
  if (type === 'ThrottlingException' || type === 'ThrottledException' || response.status === 429) {
    throw new RegistryRequestError({
      verdict: 'rate-limited',
      httpStatus: response.status,
      registryErrorCode: type ?? 'Throttling',
      message: `The ECR API at ${apiHost} is throttling requests.${said}`,
      hint: 'Wait a little and try again.',
    });
  }
  throw new RegistryRequestError({
    verdict: 'protocol-error',
    httpStatus: response.status,
    ...(type ? { registryErrorCode: type } : {}),
    message: `The ECR API at ${apiHost} answered GetAuthorizationToken with HTTP ${response.status}${type ? ` (${type})` : ''}.${said}`,
    hint: response.status >= 500 ? 'AWS had a server-side problem: try again later.' : 'Check the region in the registry host name and the ECR API endpoint.',
  });
}

export const ecrProvider: ProviderProfile = {
  id: 'ecr',
  displayName: 'Amazon ECR',
  hint(verdict, { repository }) {
    switch (verdict) {
      case 'unauthorized':
        return 'Check the access key id (username) and secret access key; the key needs ecr:GetAuthorizationToken, and ECR passwords are only valid for the registry of the same account and region.';
      case 'denied':
        return `The key logged in but may not pull ${repository}: allow ecr:BatchGetImage and ecr:GetDownloadUrlForLayer on it in the IAM policy, and check the repository policy if it is in another account.`;
      case 'repository-not-found':
        return `Check that ${repository} exists in this account and region (aws ecr describe-repositories).`;
      default:
        return undefined;
    }
  },
};
