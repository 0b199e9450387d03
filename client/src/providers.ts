/**
 * What the UI knows about each provider: labels, fixed or suggested endpoints, the login it takes,
 * and how to validate an endpoint as the user types. Pure (no `vscode`), so it is unit-testable.
 */
import { endpointHost, guessProvider } from '../../server/src/registry/endpoints';
import { ENDPOINT_EXAMPLES, endpointFitsProvider } from '../../server/src/store/providerRules';
import type { AuthType, Provider } from '../../server/src/registry/types';

export { guessProvider };

export interface AuthOption {
  authType: AuthType;
  label: string;
  detail: string;
  /** Fixed username for this auth type (GAR/GCR); absent when the user types one. */
  fixedUsername?: string;
  /** The prompt for the username step. */
  usernamePrompt?: string;
  /** What the secret is called in prompts and messages. */
  secretName: string;
  /** The secret is a JSON key file chosen with a file picker. */
  secretFromFile?: boolean;
}

export interface ProviderInfo {
  provider: Provider;
  label: string;
  /** Shown under the label in the provider step. */
  detail: string;
  /** The endpoint is always this; the endpoint step is skipped. */
  fixedEndpoint?: string;
  /** Prefilled value of the endpoint step. */
  suggestedEndpoint?: string;
  endpointPlaceholder?: string;
  authOptions: readonly AuthOption[];
  /** Offers CA file, plain HTTP and skip-TLS options. */
  connectionOptions: boolean;
}

const passwordAuth: AuthOption = {
  authType: 'password',
  label: 'Username and password',
  detail: 'An account with pull access',
  usernamePrompt: 'Username of an account with pull access',
  secretName: 'password',
};

export const PROVIDER_INFO: Readonly<Record<Provider, ProviderInfo>> = {
  dockerhub: {
    provider: 'dockerhub',
    label: 'Docker Hub',
    detail: 'index.docker.io — username with a password or a personal access token',
    fixedEndpoint: 'index.docker.io',
    authOptions: [
      { ...passwordAuth, detail: 'Your Docker Hub username and password' },
      {
        authType: 'token',
        label: 'Personal access token',
        detail: 'A Docker Hub access token with read access (recommended)',
        usernamePrompt: 'Docker Hub username the token belongs to',
        secretName: 'access token',
      },
    ],
    connectionOptions: false,
  },
  ecr: {
    provider: 'ecr',
    label: 'Amazon ECR',
    detail: '<account>.dkr.ecr.<region>.amazonaws.com — access key of a user with pull access',
    endpointPlaceholder: '123456789012.dkr.ecr.us-east-1.amazonaws.com',
    authOptions: [
      {
        authType: 'accesskey',
        label: 'Access key',
        detail: 'Access key ID and secret access key of an IAM user with ECR pull access',
        usernamePrompt: 'AWS access key ID (AKIA…)',
        secretName: 'secret access key',
      },
    ],
    connectionOptions: false,
  },
  gar: {
    provider: 'gar',
    label: 'Google Artifact Registry',
    detail: '<location>-docker.pkg.dev — service-account JSON key or access token',
    suggestedEndpoint: 'us-docker.pkg.dev',
    endpointPlaceholder: 'us-central1-docker.pkg.dev',
    authOptions: [
      {
        authType: 'serviceaccount',
        label: 'Service-account JSON key',
        detail: 'A key file of a service account with Artifact Registry Reader',
        fixedUsername: '_json_key',
        secretName: 'service-account key',
        secretFromFile: true,
      },
      {
        authType: 'token',
        label: 'Access token',
        detail: 'An OAuth access token (expires after about an hour)',
        fixedUsername: 'oauth2accesstoken',
        secretName: 'access token',
      },
    ],
    connectionOptions: false,
  },
  gcr: {
    provider: 'gcr',
    label: 'Google Container Registry',
    detail: 'gcr.io, us.gcr.io, eu.gcr.io, asia.gcr.io — service-account JSON key',
    suggestedEndpoint: 'gcr.io',
    endpointPlaceholder: 'gcr.io',
    authOptions: [
      {
        authType: 'serviceaccount',
        label: 'Service-account JSON key',
        detail: 'A key file of a service account with Storage Object Viewer',
        fixedUsername: '_json_key',
        secretName: 'service-account key',
        secretFromFile: true,
      },
    ],
    connectionOptions: false,
  },
  ghcr: {
    provider: 'ghcr',
    label: 'GitHub Container Registry',
    detail: 'ghcr.io — GitHub username and a classic token with read:packages',
    fixedEndpoint: 'ghcr.io',
    authOptions: [
      {
        authType: 'token',
        label: 'Personal access token',
        detail: 'A classic token with the read:packages scope',
        usernamePrompt: 'GitHub username the token belongs to',
        secretName: 'token',
      },
    ],
    connectionOptions: false,
  },
  quay: {
    provider: 'quay',
    label: 'Quay',
    detail: 'quay.io — username and password, or a robot account and its token',
    fixedEndpoint: 'quay.io',
    authOptions: [{ ...passwordAuth, usernamePrompt: 'Quay username or robot account (namespace+robot)', secretName: 'password or robot token' }],
    connectionOptions: false,
  },
  other: {
    provider: 'other',
    label: 'Other OCI registry',
    detail: 'Any registry that speaks the OCI distribution API (Harbor, Artifactory, GitLab, self-hosted…)',
    endpointPlaceholder: 'registry.example.com:5000',
    authOptions: [
      passwordAuth,
      {
        authType: 'token',
        label: 'Username and token',
        detail: 'A robot account, deploy token or access token with pull access',
        usernamePrompt: 'Username (or robot account name) the token belongs to',
        secretName: 'token',
      },
    ],
    connectionOptions: true,
  },
};

/** The auth option for an auth type, or the provider's default (its first). */
export function authOptionOf(provider: Provider, authType: AuthType | undefined): AuthOption {
  const options = PROVIDER_INFO[provider].authOptions;
  const first = options[0] as AuthOption;
  return options.find((option) => option.authType === authType) ?? first;
}

export const PROVIDER_ORDER: readonly Provider[] = ['dockerhub', 'ecr', 'gar', 'gcr', 'ghcr', 'quay', 'other'];

const DOMAIN_COMPONENT = /^[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?$/;

/** `host[:port]` per the reference grammar (domain name, IPv4 or bracketed IPv6, no zone id). */
export function validateHostPort(value: string): string | undefined {
  let host = value;
  let port: string | undefined;
  if (value.startsWith('[')) {
    const close = value.indexOf(']');
    if (close < 0) return 'An IPv6 address needs a closing "]", e.g. [2001:db8::1]:5000.';
    const inner = value.slice(1, close);
    if (!/^[0-9a-fA-F:.]+$/.test(inner) || !inner.includes(':')) return `"${inner}" is not an IPv6 address (zone ids are not allowed).`;
    const rest = value.slice(close + 1);
    if (rest !== '' && !rest.startsWith(':')) return 'Only ":port" may follow the IPv6 address.';
    port = rest === '' ? undefined : rest.slice(1);
    host = '';
  } else {
    const colon = value.lastIndexOf(':');
    if (colon >= 0) {
      host = value.slice(0, colon);
      port = value.slice(colon + 1);
    }
    if (host === '') return 'Enter a host name, e.g. registry.example.com.';
    for (const component of host.split('.')) {
      if (!DOMAIN_COMPONENT.test(component)) return `"${host}" is not a valid host name (letters, digits, "-" and ".").`;
    }
  }
  if (port !== undefined) {
    const portNumber = Number(port);
    if (!/^\d{1,5}$/.test(port) || portNumber < 1 || portNumber > 65535) return `"${port}" is not a port number (1–65535).`;
  }
  return undefined;
}

/**
 * Checks an endpoint for a provider as the user types. Returns the problem and the fix, or
 * `undefined` when it is acceptable.
 */
export function validateEndpoint(provider: Provider, raw: string): string | undefined {
  const value = raw.trim();
  if (value === '') return 'Enter the registry host.';
  if (/^[a-z]+:\/\//i.test(value)) return 'Enter the host without a scheme: drop "https://" (plain HTTP is an option of "Other OCI registry").';
  if (value.includes('/')) return 'Enter only the host (and port), without a path: the repository comes with each image.';
  switch (provider) {
    case 'ecr':
    case 'gar':
    case 'gcr':
      return endpointFitsProvider(provider, value)
        ? undefined
        : `Not a valid ${PROVIDER_INFO[provider].label} endpoint: it looks like ${ENDPOINT_EXAMPLES[provider]}.`;
    default: {
      const fixed = PROVIDER_INFO[provider].fixedEndpoint;
      if (fixed && value !== fixed) return `${PROVIDER_INFO[provider].label} always uses ${fixed}.`;
      return validateHostPort(value);
    }
  }
}

const SLUG = /^[a-z0-9]([a-z0-9._-]{0,61}[a-z0-9])?$/;

/** The registry name (Vendor API slug): lowercase letters, digits, ".", "_" and "-". */
export function validateSlug(value: string, taken: readonly string[]): string | undefined {
  const slug = value.trim();
  if (slug === '') return 'Enter a name for this registry, e.g. acme-ghcr.';
  if (!SLUG.test(slug)) return 'Use lowercase letters, digits, ".", "_" and "-" (up to 63 characters, starting and ending with a letter or digit).';
  if (taken.includes(slug)) return `A registry named "${slug}" already exists: choose another name, or edit that one.`;
  return undefined;
}

/** A name suggestion derived from the endpoint (`ghcr.io` → `ghcr`, `123….dkr.ecr.us-east-1…` → `ecr-us-east-1`). */
export function suggestSlug(provider: Provider, endpoint: string, taken: readonly string[]): string {
  let base: string;
  if (provider === 'dockerhub') base = 'dockerhub';
  else if (provider === 'ghcr') base = 'ghcr';
  else if (provider === 'quay') base = 'quay';
  else if (provider === 'ecr') base = `ecr-${/\.ecr(?:-fips)?\.([a-z0-9-]+)\./.exec(endpoint)?.[1] ?? 'registry'}`;
  else if (provider === 'gar') base = `gar-${endpoint.replace(/-docker\.pkg\.dev$/, '')}`;
  else if (provider === 'gcr') base = endpoint.replace(/\.gcr\.io$/, '-gcr').replace(/^gcr\.io$/, 'gcr');
  else base = endpoint.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '') || 'registry';
  base = base.slice(0, 60).replace(/[^a-z0-9]+$/, '');
  if (!taken.includes(base)) return base;
  for (let n = 2; ; n++) {
    const candidate = `${base}-${n}`;
    if (!taken.includes(candidate)) return candidate;
  }
}

/** Checks a service-account JSON key file's content. The error never quotes the content. */
export function validateServiceAccountKey(text: string): string | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return 'That file is not JSON: choose the key file you downloaded for the service account (a .json file).';
  }
  if (typeof parsed !== 'object' || parsed === null) return 'That file is not a service-account key: it should hold a JSON object.';
  const key = parsed as Record<string, unknown>;
  if (key.type !== 'service_account' || typeof key.private_key !== 'string' || typeof key.client_email !== 'string') {
    return 'That JSON is not a service-account key (it needs "type": "service_account", "client_email" and "private_key").';
  }
  return undefined;
}

/** Normalizes a Docker config key (`https://index.docker.io/v1/`, `https://host/`) to a bare host[:port]. */
export function hostFromDockerConfigKey(key: string): string {
  const host = endpointHost(key);
  return host === 'docker.io' || host === 'registry-1.docker.io' ? 'index.docker.io' : host;
}
