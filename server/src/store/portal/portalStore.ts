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

  async add(entry: RegistryEntry, credentials: Credentials | undefined, options?: { skipValidation?: boolean }): Promise<RegistryEntry> {
    if (!credentials) {
      throw new VendorApiError(`No credentials given for "${entry.slug}".`, undefined, 'The vendor portal needs the username and secret that can pull the images.');
    }
    const created = await this.api.addRegistry({
      provider: entry.provider,
      endpoint: entry.endpoint,
      slug: entry.slug,
      authType: entry.authType,
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

  async test(nameOrEndpoint: string, image: string): Promise<PullCheckResult> {
    const started = Date.now();
    const entry = findEntry(await this.list(), nameOrEndpoint);
    const relative = imageRelativeTo(entry.endpoint, image.trim());
    const status = await this.api.testRegistry(entry.slug, relative);
    return verdictFromPortalStatus(status, `${entry.endpoint}/${relative}`, Date.now() - started);
  }

  async logs(nameOrEndpoint: string): Promise<PullLogEntry[]> {
    const entry = findEntry(await this.list(), nameOrEndpoint);
    return this.api.pullLogs(entry.slug);
  }

  /** The app's custom proxy and registry domains (empty when the app is unknown). */
  async customDomains(appSlugOrId: string): Promise<{ proxy: string[]; registry: string[] }> {
    const appId = await this.api.resolveAppId(appSlugOrId);
    if (!appId) return { proxy: [], registry: [] };
    const hostnames = await this.api.customHostnames(appId);
    return { proxy: hostnames.proxy.map((h) => h.hostname), registry: hostnames.registry.map((h) => h.hostname) };
  }
}

function findEntry(entries: RegistryEntry[], nameOrEndpoint: string): RegistryEntry {
  const wanted = nameOrEndpoint.trim().toLowerCase();
  const entry = entries.find((e) => e.slug.toLowerCase() === wanted) ?? entries.find((e) => e.endpoint.toLowerCase() === wanted);
  if (!entry) {
    const known = entries.map((e) => e.slug).join(', ') || 'none';
    throw new VendorApiError(`No registry named "${nameOrEndpoint}" in the vendor portal (known: ${known}).`, 404, 'Run `registry ls` to see the names.');
  }
  return entry;
}

function fromVendor(r: VendorRegistry): RegistryEntry {
  const provider = (PROVIDERS as readonly string[]).includes(r.provider) ? (r.provider as Provider) : 'other';
  const authType = (AUTH_TYPES as readonly string[]).includes(r.authType) ? (r.authType as AuthType) : 'password';
  return {
    slug: r.slug || r.endpoint,
    provider,
    endpoint: r.endpoint,
    authType,
    ...(r.username ? { username: r.username } : {}),
    ...(r.appIds && r.appIds.length > 0 ? { appIds: r.appIds } : {}),
    source: 'portal',
  };
}

/**
 * The portal answers only the upstream HTTP status of its own pull; map it onto our verdicts.
 * 404 is MANIFEST_UNKNOWN: the credentials work but the image is missing or they cannot pull it.
 */
export function verdictFromPortalStatus(status: number, image: string, durationMs: number): PullCheckResult {
  const base = { image, httpStatus: status, requests: 1, durationMs, checkedAt: new Date().toISOString() };
  switch (true) {
    case status >= 200 && status < 300:
      return { ...base, verdict: 'ok', message: `Replicated's servers pulled the manifest of ${image} with the saved credentials.` };
    case status === 404:
      return {
        ...base,
        verdict: 'tag-not-found',
        registryErrorCode: 'MANIFEST_UNKNOWN',
        message: `The saved credentials work, but ${image} was not found or those credentials lack pull access to it (404 MANIFEST_UNKNOWN).`,
        hint: 'Check the repository and tag exist on the registry, and that the account can pull that repository.',
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
