/** Shared vocabulary of the registry engine: the team's registries, credentials and pull-check results. */

export const PROVIDERS = ['dockerhub', 'ecr', 'gar', 'gcr', 'ghcr', 'quay', 'other'] as const;
export type Provider = (typeof PROVIDERS)[number];

export const AUTH_TYPES = ['password', 'token', 'accesskey', 'serviceaccount'] as const;
export type AuthType = (typeof AUTH_TYPES)[number];

/** How to reach a registry. Field names follow the Vendor API's. */
export interface ConnectionSettings {
  provider: Provider;
  /** Host[:port] as the vendor wrote it, e.g. `index.docker.io`, `ghcr.io`, `127.0.0.1:5000`. */
  endpoint: string;
  /** PEM file with extra CA certificates to trust for this registry. */
  caFile?: string;
  insecureSkipTLSVerify?: boolean;
  plainHttp?: boolean;
}

/** One image on a registry, as the pull check addresses it. */
export interface ImageTarget {
  /** Repository path on the registry, e.g. `library/nginx`, `acme/app`. */
  repository: string;
  /** Tag or digest. */
  reference: string;
}

/** One of the team's registries (no secret, ever). */
export interface RegistryEntry extends ConnectionSettings {
  /** The registry name (Vendor API `slug`). */
  slug: string;
  authType: AuthType;
  username?: string;
  appIds?: string[];
  /** Where this entry came from. */
  source?: 'workspace' | 'portal';
  /**
   * Set when the registries file has an error in this entry (or is broken as a whole): the entry is
   * still shown, but no tool uses it for anything that sends credentials until it is fixed.
   */
  problem?: string;
}

/**
 * A login for one registry. `secret` is the password, token, AWS secret access key or
 * service-account JSON key depending on the auth type. Lives in memory only.
 */
export interface Credentials {
  username: string;
  secret: string;
  /**
   * An OAuth2 refresh token (Docker config `identitytoken`, or a credential helper's answer with
   * the username `<token>`). When present, a Bearer token is obtained the way Docker does it: a
   * POST to the realm with grant_type=refresh_token, not a Basic-authenticated GET.
   */
  identityToken?: string;
  /** Which source supplied it (for messages; never the secret itself). */
  origin?: 'secret-storage' | 'docker-credential-helper' | 'docker-config' | 'environment' | 'stdin' | 'prompt';
}

export const VERDICTS = [
  'ok',
  'unauthorized',
  'denied',
  'repository-not-found',
  'tag-not-found',
  'rate-limited',
  'tls-untrusted',
  'unreachable',
  'timeout',
  'protocol-error',
] as const;
export type Verdict = (typeof VERDICTS)[number];

export type ConnectionProblem = 'not-tls' | 'tls-untrusted' | 'https-only';

export interface RateLimitInfo {
  retryAfterSeconds?: number;
  limit?: string;
  remaining?: string;
}

export interface PullCheckResult {
  verdict: Verdict;
  /** The fully qualified reference that was checked. */
  image: string;
  httpStatus?: number;
  registryErrorCode?: string;
  /** What happened, in plain words. Never contains a secret. */
  message: string;
  /** What to do next. */
  hint?: string;
  digest?: string;
  mediaType?: string;
  /** `os/arch[/variant]` of an index's manifests, when the registry answered with an index and we read it. */
  platforms?: string[];
  rateLimit?: RateLimitInfo;
  /** HTTP requests this check made (cached token → fewer). */
  requests: number;
  durationMs: number;
  /** Anonymous check (no credentials used). */
  anonymous?: boolean;
  /**
   * When the failure is the connection's settings rather than the login or the image: the registry
   * speaks only plain HTTP (`not-tls`), its certificate is not trusted here (`tls-untrusted`), or it
   * speaks HTTPS to a plain-HTTP request (`https-only`). The wizard offers its connection options then.
   */
  connectionProblem?: ConnectionProblem;
  checkedAt?: string;
}

/** What the rules, the stores and the customer test need of the registry client (RegistryClient satisfies it). */
export interface PullChecker {
  checkPull(
    connection: ConnectionSettings,
    credentials: Credentials | undefined,
    target: ImageTarget,
    options?: { signal?: AbortSignal; noCache?: boolean },
  ): Promise<PullCheckResult>;
}
