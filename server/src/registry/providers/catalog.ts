/**
 * The provider catalog: one record per registry provider the Replicated proxy supports — its label,
 * which hosts are its own, its fixed or suggested endpoint, the logins it takes (with the CLI flags and
 * the wizard's prompts for each) and whether connection options apply. The registries-file checks, the
 * CLI's `registry add`, the language server's rules and the extension's wizard (through
 * ProviderCatalogRequest) all read this one table, so they cannot disagree about a provider.
 *
 * The records are plain data (the extension receives them as JSON); host ownership is code, below.
 */
import { endpointHost, endpointShapeProblem, hostPortProblem, parseEcrHost } from '../endpoints';
import type { AuthType, Provider } from '../types';

/** One way to log in to a provider. */
export interface AuthOption {
  authType: AuthType;
  label: string;
  detail: string;
  /** Google's registries take a fixed username per auth type; absent when the user gives one. */
  fixedUsername?: string;
  /** The wizard's prompt for the username, when there is one to give. */
  usernamePrompt?: string;
  /** What the secret is called in prompts and messages ("password", "secret access key"...). */
  secretName: string;
  /** The secret is a JSON key file (the wizard opens a file dialog, the CLI takes a path). */
  secretFromFile?: boolean;
  /** CLI: the username's flag (`--username`, `--accesskeyid`); absent when the username is fixed. */
  usernameFlag?: 'username' | 'accesskeyid';
  /** CLI: the secret's flags are `--<secretFlag>` and `--<secretFlag>-stdin`. */
  secretFlag: 'password' | 'token' | 'secretaccesskey' | 'serviceaccountkey';
}

export interface ProviderRecord {
  id: Provider;
  /** "Docker Hub", "Other OCI registry". */
  label: string;
  /** The provider inside a sentence: "Docker Hub", "an OCI registry". */
  inSentence: string;
  /** One line under the label in the wizard's provider step. */
  detail: string;
  /** The endpoint is always this (the CLI takes no --endpoint, the wizard skips the step). */
  fixedEndpoint?: string;
  /** Prefilled in the wizard, and the CLI's default when --endpoint is left out (gcr). */
  defaultEndpoint?: string;
  /** What its endpoint looks like, for placeholders and messages. */
  endpointExample: string;
  /** The first is the default, as in the Vendor API and the `replicated` CLI. */
  authOptions: readonly AuthOption[];
  /** CA file, plain HTTP and skip-TLS-verification apply (self-hosted registries only). */
  connectionOptions: boolean;
}

const PASSWORD: AuthOption = {
  authType: 'password',
  label: 'Username and password',
  detail: 'An account with pull access',
  usernamePrompt: 'Username of an account with pull access',
  secretName: 'password',
  usernameFlag: 'username',
  secretFlag: 'password',
};

const SERVICE_ACCOUNT_KEY = {
  authType: 'serviceaccount',
  label: 'Service-account JSON key',
  fixedUsername: '_json_key',
  secretName: 'service-account key',
  secretFromFile: true,
  secretFlag: 'serviceaccountkey',
} as const;

export const PROVIDER_CATALOG: Readonly<Record<Provider, ProviderRecord>> = {
  dockerhub: {
    id: 'dockerhub',
    label: 'Docker Hub',
    inSentence: 'Docker Hub',
    detail: 'index.docker.io — username with a password or a personal access token',
    fixedEndpoint: 'index.docker.io',
    endpointExample: 'index.docker.io',
    authOptions: [
      { ...PASSWORD, detail: 'Your Docker Hub username and password' },
      {
        authType: 'token',
        label: 'Personal access token',
        detail: 'A Docker Hub access token with read access (recommended)',
        usernamePrompt: 'Docker Hub username the token belongs to',
        secretName: 'access token',
        usernameFlag: 'username',
        secretFlag: 'token',
      },
    ],
    connectionOptions: false,
  },
  ecr: {
    id: 'ecr',
    label: 'Amazon ECR',
    inSentence: 'Amazon ECR',
    detail: '<account>.dkr.ecr.<region>.amazonaws.com — access key of a user with pull access',
    endpointExample: '123456789012.dkr.ecr.us-east-1.amazonaws.com',
    authOptions: [
      {
        authType: 'accesskey',
        label: 'Access key',
        detail: 'Access key ID and secret access key of an IAM user with ECR pull access',
        usernamePrompt: 'AWS access key ID (AKIA…)',
        secretName: 'secret access key',
        usernameFlag: 'accesskeyid',
        secretFlag: 'secretaccesskey',
      },
    ],
    connectionOptions: false,
  },
  gar: {
    id: 'gar',
    label: 'Google Artifact Registry',
    inSentence: 'Google Artifact Registry',
    detail: '<location>-docker.pkg.dev — service-account JSON key or access token',
    defaultEndpoint: 'us-docker.pkg.dev',
    endpointExample: 'us-central1-docker.pkg.dev',
    authOptions: [
      { ...SERVICE_ACCOUNT_KEY, detail: 'A key file of a service account with Artifact Registry Reader' },
      {
        authType: 'token',
        label: 'Access token',
        detail: 'An OAuth access token (expires after about an hour)',
        fixedUsername: 'oauth2accesstoken',
        secretName: 'access token',
        secretFlag: 'token',
      },
    ],
    connectionOptions: false,
  },
  gcr: {
    id: 'gcr',
    label: 'Google Container Registry',
    inSentence: 'Google Container Registry',
    detail: 'gcr.io, us.gcr.io, eu.gcr.io, asia.gcr.io — service-account JSON key',
    defaultEndpoint: 'gcr.io',
    endpointExample: 'gcr.io (or us.gcr.io, eu.gcr.io, asia.gcr.io)',
    authOptions: [{ ...SERVICE_ACCOUNT_KEY, detail: 'A key file of a service account with Storage Object Viewer' }],
    connectionOptions: false,
  },
  ghcr: {
    id: 'ghcr',
    label: 'GitHub Container Registry',
    inSentence: 'GitHub Container Registry',
    detail: 'ghcr.io — GitHub username and a classic token with read:packages',
    fixedEndpoint: 'ghcr.io',
    endpointExample: 'ghcr.io',
    authOptions: [
      {
        authType: 'token',
        label: 'Personal access token',
        detail: 'A classic token with the read:packages scope',
        usernamePrompt: 'GitHub username the token belongs to',
        secretName: 'token',
        usernameFlag: 'username',
        secretFlag: 'token',
      },
    ],
    connectionOptions: false,
  },
  quay: {
    id: 'quay',
    label: 'Quay',
    inSentence: 'Quay',
    detail: 'quay.io — username and password, or a robot account and its token',
    fixedEndpoint: 'quay.io',
    endpointExample: 'quay.io',
    authOptions: [{ ...PASSWORD, usernamePrompt: 'Quay username or robot account (namespace+robot)', secretName: 'password or robot token' }],
    connectionOptions: false,
  },
  other: {
    id: 'other',
    label: 'Other OCI registry',
    inSentence: 'an OCI registry',
    detail: 'Any registry that speaks the OCI distribution API (Harbor, Artifactory, GitLab, self-hosted…)',
    endpointExample: 'registry.example.com:5000',
    authOptions: [
      PASSWORD,
      {
        authType: 'token',
        label: 'Username and token',
        detail: 'A robot account, deploy token or access token with pull access',
        usernamePrompt: 'Username (or robot account name) the token belongs to',
        secretName: 'token',
        usernameFlag: 'username',
        secretFlag: 'token',
      },
    ],
    connectionOptions: true,
  },
};

/** The wizard's order of providers. */
export const PROVIDER_ORDER: readonly Provider[] = ['dockerhub', 'ecr', 'gar', 'gcr', 'ghcr', 'quay', 'other'];

export function providerRecord(provider: Provider): ProviderRecord {
  return PROVIDER_CATALOG[provider] ?? PROVIDER_CATALOG.other;
}

/** The auth option for an auth type, or the provider's default (its first). */
export function authOptionOf(provider: Provider, authType: AuthType | undefined): AuthOption {
  const options = providerRecord(provider).authOptions;
  return options.find((option) => option.authType === authType) ?? (options[0] as AuthOption);
}

export function defaultAuthType(provider: Provider): AuthType {
  return authOptionOf(provider, undefined).authType;
}

export function authTypesOf(provider: Provider): AuthType[] {
  return providerRecord(provider).authOptions.map((option) => option.authType);
}

export function isAuthTypeAllowed(provider: Provider, authType: AuthType): boolean {
  return authTypesOf(provider).includes(authType);
}

/** The username a provider's credentials always use for an auth type, when it is fixed (`_json_key`). */
export function fixedUsername(provider: Provider, authType: AuthType): string | undefined {
  return providerRecord(provider).authOptions.find((option) => option.authType === authType)?.fixedUsername;
}

// ---- which hosts belong to which provider ---------------------------------------------------

const DOCKER_HUB_HOSTS = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io', 'registry.hub.docker.com']);
const GAR_HOST = /^[a-z0-9-]+-docker\.pkg\.dev$/;
const GCR_HOST = /^(?:[a-z]+\.)?gcr\.io$/;

/**
 * The provider a well-known host belongs to, or undefined for a self-hosted registry. ECR hosts are
 * every partition the amazon-ecr-credential-helper accepts (commercial, China, GovCloud, ISO, FIPS,
 * dual-stack), the same pattern the ECR login uses.
 */
export function providerForHost(endpoint: string): Exclude<Provider, 'other'> | undefined {
  const host = endpointHost(endpoint).replace(/:\d+$/, '');
  if (DOCKER_HUB_HOSTS.has(host)) return 'dockerhub';
  if (parseEcrHost(host)) return 'ecr';
  if (GAR_HOST.test(host)) return 'gar';
  if (GCR_HOST.test(host)) return 'gcr';
  if (host === 'ghcr.io') return 'ghcr';
  if (host === 'quay.io') return 'quay';
  return undefined;
}

/** The provider a host most likely belongs to (`other` for a self-hosted one). */
export function guessProvider(host: string): Provider {
  return providerForHost(host) ?? 'other';
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

/**
 * The problem with an endpoint for a provider, in the words of someone filling in a form (the wizard,
 * the CLI's --endpoint), or undefined when it is acceptable. The registries file words its own
 * problems with its keys (registriesFile/problems.ts) from the same predicates.
 */
export function endpointProblemFor(provider: Provider, raw: string): string | undefined {
  const value = raw.trim();
  if (value === '') return 'Enter the registry host.';
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value) || value.includes('@')) {
    return endpointShapeProblem(value)?.replace(/^endpoint must/, 'The endpoint must') ?? 'Enter only the host (and port).';
  }
  if (value.includes('/')) return 'Enter only the host (and port), without a path: the repository comes with each image.';
  const record = providerRecord(provider);
  if (record.fixedEndpoint) return endpointHost(value) === record.fixedEndpoint || providerForHost(value) === provider ? undefined : `${record.label} always uses ${record.fixedEndpoint}.`;
  const shape = hostPortProblem(value);
  if (shape) return shape;
  if (!endpointFitsProvider(provider, value)) {
    const actual = providerForHost(value);
    return actual
      ? `${value} is a ${providerRecord(actual).label} host, not ${record.label}: pick ${providerRecord(actual).label} as the provider.`
      : `Not a valid ${record.label} endpoint: it looks like ${record.endpointExample}.`;
  }
  return undefined;
}
