/**
 * What each provider accepts: auth types, fixed endpoints, which hosts belong to it, and the
 * username its credentials use. Shared by the registries-file checks and the `registry add` CLI,
 * so both say the same thing about a registry entry.
 */
import type { AuthType, Provider } from '../registry/types';

/** Auth types each provider supports, the first being the default (as the Vendor API / `replicated` CLI do). */
export const PROVIDER_AUTH_TYPES: Readonly<Record<Provider, readonly AuthType[]>> = {
  dockerhub: ['password', 'token'],
  ecr: ['accesskey'],
  gar: ['serviceaccount', 'token'],
  gcr: ['serviceaccount'],
  ghcr: ['token'],
  quay: ['password'],
  other: ['password', 'token'],
};

export function defaultAuthType(provider: Provider): AuthType {
  // Every provider lists at least one auth type, so the first always exists.
  return PROVIDER_AUTH_TYPES[provider][0] ?? 'password';
}

export function isAuthTypeAllowed(provider: Provider, authType: AuthType): boolean {
  return PROVIDER_AUTH_TYPES[provider].includes(authType);
}

/** Providers whose endpoint is fixed (the `replicated` CLI does not take `--endpoint` for them). */
export const FIXED_ENDPOINTS: Readonly<Partial<Record<Provider, string>>> = {
  dockerhub: 'index.docker.io',
  ghcr: 'ghcr.io',
  quay: 'quay.io',
};

export const PROVIDER_LABELS: Readonly<Record<Provider, string>> = {
  dockerhub: 'Docker Hub',
  ecr: 'Amazon ECR',
  gar: 'Google Artifact Registry',
  gcr: 'Google Container Registry',
  ghcr: 'GitHub Container Registry',
  quay: 'Quay',
  other: 'an OCI registry',
};

const DOCKER_HUB_HOSTS = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io', 'registry.hub.docker.com']);
const ECR_HOST = /^\d{12}\.dkr[.-]ecr(?:-fips)?\.[a-z0-9-]+\.(?:amazonaws\.com(?:\.cn)?|on\.aws)$/;
const GAR_HOST = /^[a-z0-9-]+-docker\.pkg\.dev$/;
const GCR_HOST = /^(?:[a-z]+\.)?gcr\.io$/;

/** The host part of an endpoint (`host[:port]`), lower-cased, without the port. */
export function endpointHost(endpoint: string): string {
  const trimmed = endpoint.trim().toLowerCase();
  if (trimmed.startsWith('[')) return trimmed.slice(0, trimmed.indexOf(']') + 1);
  const colon = trimmed.lastIndexOf(':');
  return colon >= 0 ? trimmed.slice(0, colon) : trimmed;
}

export function isDockerHubEndpoint(endpoint: string): boolean {
  return DOCKER_HUB_HOSTS.has(endpointHost(endpoint));
}

/** The provider a well-known host belongs to, or undefined for self-hosted registries. */
export function providerForHost(endpoint: string): Exclude<Provider, 'other'> | undefined {
  const host = endpointHost(endpoint);
  if (DOCKER_HUB_HOSTS.has(host)) return 'dockerhub';
  if (ECR_HOST.test(host)) return 'ecr';
  if (GAR_HOST.test(host)) return 'gar';
  if (GCR_HOST.test(host)) return 'gcr';
  if (host === 'ghcr.io') return 'ghcr';
  if (host === 'quay.io') return 'quay';
  return undefined;
}

/**
 * Whether an endpoint fits the provider. `gar` also serves `gcr.io` hosts (Container Registry
 * repositories moved to Artifact Registry keep their gcr.io names).
 */
export function endpointFitsProvider(provider: Provider, endpoint: string): boolean {
  const hostProvider = providerForHost(endpoint);
  switch (provider) {
    case 'other':
      return true;
    case 'gar':
      return hostProvider === 'gar' || hostProvider === 'gcr';
    default:
      return hostProvider === provider;
  }
}

/** What a provider's endpoint looks like, for messages. */
export const ENDPOINT_EXAMPLES: Readonly<Record<Provider, string>> = {
  dockerhub: 'index.docker.io',
  ecr: '123456789012.dkr.ecr.us-east-1.amazonaws.com',
  gar: 'us-docker.pkg.dev',
  gcr: 'gcr.io (or us.gcr.io, eu.gcr.io, asia.gcr.io)',
  ghcr: 'ghcr.io',
  quay: 'quay.io',
  other: 'registry.example.com:5000',
};

/** The username a provider's credentials always use for an auth type, when it is fixed. */
export function fixedUsername(provider: Provider, authType: AuthType): string | undefined {
  if (authType === 'serviceaccount' && (provider === 'gcr' || provider === 'gar')) return '_json_key';
  if (authType === 'token' && provider === 'gar') return 'oauth2accesstoken';
  return undefined;
}

const USERINFO = /^((?:[a-z][a-z0-9+.-]*:\/\/)?)[^/@\s]*@/i;

/** Whether an endpoint carries a `user:password@` part (a secret in a committed file). */
export function hasUserinfo(endpoint: string): boolean {
  return USERINFO.test(endpoint);
}

/** The endpoint without its `user:password@` part: all that messages and the configuration may hold. */
export function withoutUserinfo(endpoint: string): string {
  return endpoint.replace(USERINFO, '$1');
}

/** Problems with the shape of an endpoint (scheme, path, characters), or undefined when it is a plain host[:port]. Never echoes a password. */
export function endpointShapeProblem(given: string): string | undefined {
  if (hasUserinfo(given)) {
    return `endpoint must not hold a user name or password: write \`${withoutUserinfo(given).replace(/^[a-z][a-z0-9+.-]*:\/\//i, '').split('/')[0] || 'registry.example.com'}\`, keep the username in \`username\` and the password in your credential store`;
  }
  const endpoint = given;
  const schemeMatch = /^([a-z][a-z0-9+.-]*):\/\//i.exec(endpoint);
  if (schemeMatch) {
    const rest = endpoint.slice(schemeMatch[0].length).split('/')[0] ?? '';
    const plain = schemeMatch[1]?.toLowerCase() === 'http' ? '; set `plainHttp: true` for a registry that only speaks HTTP' : '';
    return `endpoint must be a host without a scheme: write \`${rest || 'registry.example.com'}\`, not \`${endpoint}\`${plain}`;
  }
  const slash = endpoint.indexOf('/');
  if (slash >= 0) {
    return `endpoint must be a host[:port] without a path: write \`${endpoint.slice(0, slash)}\`; the repository path goes in the image reference`;
  }
  if (!/^(?:\[[0-9a-fA-F:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?)(?::\d{1,5})?$/.test(endpoint)) {
    return `endpoint \`${endpoint}\` is not a valid host[:port] (for example \`registry.example.com:5000\`)`;
  }
  return undefined;
}
