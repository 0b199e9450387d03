/**
 * The team's registries in the Replicated vendor portal (Vendor API v3).
 * Credentials go to Replicated on add and are never kept locally; "test" is the server-side test.
 */
import type { Credentials, PullCheckResult, RegistryEntry, Provider, AuthType } from '../../registry/types';
import { AUTH_TYPES, PROVIDERS } from '../../registry/types';
import type { PullLogEntry, RegistryStore } from '../types';
import { VendorApiClient, VendorApiError, type VendorApiOptions, type VendorRegistry } from './vendorApiClient';

export class PortalRegistryStore implements RegistryStore {
  readonly kind = 'portal' as const;
  readonly api: VendorApiClient;

  constructor(options: VendorApiOptions) {
    this.api = new VendorApiClient(options);
  }

  async list(): Promise<RegistryEntry[]> {
    return (await this.api.listRegistries()).map(fromVendor);
  }

  /**
   * `copyPasswordFrom`: duplicate that registry's saved password (the portal's Duplicate, `copyPassword`
   * and `originalSlug` in the create body); `credentials.secret` is then empty and nothing secret is sent.
   */
  async add(entry: RegistryEntry, credentials: Credentials | undefined, options?: { skipValidation?: boolean; copyPasswordFrom?: string }): Promise<RegistryEntry> {
    if (!credentials) {
      throw new VendorApiError(`No credentials given for "${entry.slug}".`, undefined, 'The vendor portal needs the username and secret that can pull the images.');
    }
    const original = options?.copyPasswordFrom !== undefined ? findEntry(await this.list(), options.copyPasswordFrom) : undefined;
    const created = await this.api.addRegistry({
      ...(original ? { copyPassword: true, originalSlug: original.slug } : {}),
      provider: entry.provider,
      endpoint: entry.endpoint,
      slug: entry.slug,
      authType: portalAuthType(entry).authType,
      username: credentials.username || entry.username || '',
      password: credentials.secret,
      ...(entry.appIds && entry.appIds.length > 0 ? { appIds: entry.appIds } : {}),
      skipValidation: options?.skipValidation ?? false,
    });
    return fromVendor(created);
  }

  async remove(nameOrEndpoint: string): Promise<RegistryEntry> {
    const existing = findEntry(await this.list(), nameOrEndpoint);
    await this.api.removeRegistry(existing.slug);
    return existing;
  }

  /**
   * The registry NAME names (its slug, else its endpoint) and the other portal registries on the same
   * endpoint: test and logs address a registry by endpoint (vendorApiClient.ts), so when several share
   * one the portal picks among them and callers say so.
   */
  async resolve(nameOrEndpoint: string): Promise<{ entry: RegistryEntry; sameEndpoint: RegistryEntry[] }> {
    const entries = await this.list();
    const entry = findEntry(entries, nameOrEndpoint);
    const sameEndpoint = entries.filter((e) => e !== entry && e.endpoint.toLowerCase() === entry.endpoint.toLowerCase());
    return { entry, sameEndpoint };
  }

  async test(nameOrEndpoint: string, image: string): Promise<PullCheckResult> {
    const started = Date.now();
    const { entry } = await this.resolve(nameOrEndpoint);
    return this.testEntry(entry, image, started);
  }

  /** Replicated's server-side test of `entry`, addressed by its endpoint as the `replicated` CLI does. */
  async testEntry(entry: RegistryEntry, image: string, started = Date.now()): Promise<PullCheckResult> {
    const relative = imageRelativeTo(entry.endpoint, image.trim());
    const status = await this.api.testRegistry(entry.endpoint, relative);
    return verdictFromPortalStatus(status, `${entry.endpoint}/${relative}`, Date.now() - started);
  }

  async logs(nameOrEndpoint: string): Promise<PullLogEntry[]> {
    const { entry } = await this.resolve(nameOrEndpoint);
    return this.api.pullLogs(entry.endpoint);
  }

  /** The app's custom proxy and registry domains (empty when the app is unknown). */
  async customDomains(appSlugOrId: string): Promise<{ proxy: string[]; registry: string[] }> {
    const appId = await this.api.resolveAppId(appSlugOrId);
    if (!appId) return { proxy: [], registry: [] };
    const hostnames = await this.api.customHostnames(appId);
    return { proxy: hostnames.proxy.map((h) => h.hostname), registry: hostnames.registry.map((h) => h.hostname) };
  }
}

/**
 * The auth type the portal gets. `other` registries are always `password` there (`replicated registry
 * add other` sends nothing else); a token for one is a password as far as the registry's login goes, so
 * `token` is sent as `password` and callers say so (`mapped`).
 */
export function portalAuthType(entry: Pick<RegistryEntry, 'provider' | 'authType'>): { authType: AuthType; mapped: boolean } {
  if (entry.provider === 'other' && entry.authType !== 'password') return { authType: 'password', mapped: true };
  return { authType: entry.authType, mapped: false };
}

/** What callers print when portalAuthType mapped a token. */
export const OTHER_TOKEN_AS_PASSWORD =
  'the vendor portal keeps "other" registries with a username and password (as `replicated registry add other` sends them): the token is sent as the password, which is how such a registry takes it';

function findEntry(entries: RegistryEntry[], nameOrEndpoint: string): RegistryEntry {
  const wanted = nameOrEndpoint.trim().toLowerCase();
  const entry = entries.find((e) => e.slug.toLowerCase() === wanted) ?? entries.find((e) => e.endpoint.toLowerCase() === wanted);
  if (!entry) {
    const known = entries.map((e) => e.slug).join(', ') || 'none';
    throw new VendorApiError(`No registry named "${nameOrEndpoint}" in the vendor portal (known: ${known}).`, 404, 'Run `registry ls` to see the names.');
  }
  return entry;
}

/**
 * A portal registry as an entry. A provider or auth type this tool does not know (Sonatype Nexus, an
 * ECR IAM role) is kept in `portalTypes` as the portal names it; `provider` / `authType` get the nearest
 * kind the local pull check speaks (any OCI registry; a password-like login), never shown as the portal's.
 */
export function fromVendor(r: VendorRegistry): RegistryEntry {
  const knownProvider = (PROVIDERS as readonly string[]).includes(r.provider);
  const knownAuthType = (AUTH_TYPES as readonly string[]).includes(r.authType);
  const portalTypes = { ...(knownProvider ? {} : { provider: String(r.provider) }), ...(knownAuthType ? {} : { authType: String(r.authType) }) };
  return {
    slug: r.slug || r.endpoint,
    provider: knownProvider ? (r.provider as Provider) : 'other',
    endpoint: r.endpoint,
    authType: knownAuthType ? (r.authType as AuthType) : 'password',
    ...(r.username ? { username: r.username } : {}),
    ...(r.appIds && r.appIds.length > 0 ? { appIds: r.appIds } : {}),
    ...(knownProvider && knownAuthType ? {} : { portalTypes }),
    source: 'portal',
  };
}

/** The provider and auth type as the portal names them (for tables and the Registries view). */
export function shownTypes(entry: Pick<RegistryEntry, 'provider' | 'authType' | 'portalTypes'>): { provider: string; authType: string } {
  return { provider: entry.portalTypes?.provider ?? entry.provider, authType: entry.portalTypes?.authType ?? entry.authType };
}

/**
 * What the local pull check can and cannot check for a portal registry of a kind this tool does not
 * know, or undefined for a known kind.
 */
export function portalTypesLimit(entry: Pick<RegistryEntry, 'portalTypes' | 'endpoint'>): string | undefined {
  const types = entry.portalTypes;
  if (!types) return undefined;
  const named = [types.provider ? `provider "${types.provider}"` : undefined, types.authType ? `auth type "${types.authType}"` : undefined].filter(Boolean).join(' and ');
  return (
    `the vendor portal keeps this registry with ${named}, which this tool cannot log in as: here it checks that ${entry.endpoint} is connected and, ` +
    `with your own login for ${entry.endpoint} or anonymously, whether an image exists; whether the portal's login can pull it only Replicated's test tells (Test, or \`registry test\`)`
  );
}

/**
 * The portal answers only the upstream HTTP status of its own pull; map it onto our verdicts.
 * 404 is MANIFEST_UNKNOWN: the credentials work but the image is missing or they cannot pull it.
 */
export function verdictFromPortalStatus(status: number, image: string, durationMs: number): PullCheckResult {
  const base = { image, httpStatus: status, requests: 1, durationMs, checkedAt: new Date().toISOString() };
  switch (true) {
    case status >= 200 && status < 300:
      return { ...base, verdict: 'ok', message: `Registry connection appears ok: Replicated's servers pulled the manifest of ${image} with the saved credentials.` };
    case status === 404:
      // Not "tag not found": the portal's 404 is also what a login without pull access gets.
      return {
        ...base,
        verdict: 'manifest-unknown',
        registryErrorCode: 'MANIFEST_UNKNOWN',
        message: `Registry connection failed with MANIFEST_UNKNOWN: ${image} does not exist or the saved credentials cannot pull it.`,
        hint: "Check that the image exists; if it does and the credentials were entered properly, they do not have access to pull it (https://docs.replicated.com/external-registry/troubleshooting).",
      };
    case status === 401:
      return { ...base, verdict: 'unauthorized', message: `The registry rejected the credentials saved in the vendor portal (401).`, hint: 'Update the registry in the portal with a valid username and password or token.' };
    case status === 403:
      return { ...base, verdict: 'denied', message: `The saved credentials are valid but may not pull ${image} (403).`, hint: 'Grant the account pull access to that repository.' };
    case status === 429:
      return { ...base, verdict: 'rate-limited', message: `The registry rate-limited Replicated's test pull (429).`, hint: 'Wait and test again; Docker Hub limits anonymous and free accounts.' };
    default:
      return { ...base, verdict: 'protocol-error', message: `The test pull from Replicated's servers failed with HTTP ${status}.`, hint: 'Check the registry is up and reachable from the internet.' };
  }
}

/**
 * The portal takes the image relative to the registry (`my-company/my-image:v1`); a full reference
 * on the registry's own host (`ghcr.io/my-company/my-image:v1`) is accepted and made relative.
 */
export function imageRelativeTo(endpoint: string, image: string): string {
  const dockerHub = ['index.docker.io', 'docker.io', 'registry-1.docker.io'];
  const hosts = dockerHub.includes(endpoint.toLowerCase()) ? dockerHub : [endpoint];
  for (const host of hosts) {
    if (image.toLowerCase().startsWith(`${host.toLowerCase()}/`)) return image.slice(host.length + 1);
  }
  return image;
}
