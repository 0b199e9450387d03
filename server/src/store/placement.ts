/**
 * Where an image is pulled from, seen from the team's registries: the Replicated registry, a proxy host,
 * a connected external registry (or one scoped to other apps), a host or repository listed as public, or
 * unknown. The rules turn "unknown" into `registry-not-connected`; the release model asks it too.
 */
import type { ImageReference } from '../reference/imageReference';
import { DEFAULT_PROXY_DOMAIN, isReplicatedRegistryDomain, normalizeHost } from '../reference/proxy';
import { endpointMatchesDomain, registryHostForReference } from '../registry/endpoints';
import { guessProvider } from '../registry/providers/catalog';
import type { Provider, RegistryEntry } from '../registry/types';
import type { RegistriesConfig } from './types';

export type RegistryPlacement =
  | { kind: 'replicated-registry' }
  | { kind: 'proxy-host' }
  | { kind: 'connected'; entry: RegistryEntry }
  /** Connected, but App Access limits it to other apps: the proxy does not pull it for this app. */
  | { kind: 'scoped-elsewhere'; entries: RegistryEntry[] }
  | { kind: 'public-listed'; pattern: string }
  | { kind: 'unknown' };

/** A `public:` entry, read once: the registry host it names and the repository prefix after it (none: the whole host). */
interface PublicPattern {
  pattern: string;
  host: string;
  prefix: string | undefined;
}

/**
 * What a reference's domain alone decides. Every placement but a public pattern with a repository
 * prefix depends on the domain only, so it is worked out once per domain and configuration: the 4.3 MB
 * benchmark manifest has 3,135 distinct references on 3 domains, and placing each one built a
 * `domain/path` key and normalized its host with regular expressions (placeReference and its callees
 * were 40–45 ms of a cold open's CPU profile, asked several times per image).
 */
interface DomainPlacement {
  /** The placement of every reference on the domain; undefined when it depends on the path. */
  placement?: RegistryPlacement;
  /** Otherwise: the public patterns on this host, in the file's order. */
  patterns: PublicPattern[];
  /** The provider the domain most likely belongs to (guessProvider tries each provider's host patterns), once asked. */
  provider?: Provider;
}

/** Normalized host sets of one configuration, computed once per config object. */
interface RegistryIndex {
  registries: RegistriesConfig['registries'];
  registriesLength: number;
  publicList: RegistriesConfig['public'];
  publicLength: number;
  customDomains: RegistriesConfig['customDomains'];
  app: string | undefined;
  appId: string | undefined;
  registryDomains: readonly string[];
  proxyHosts: ReadonlySet<string>;
  publicPatterns: PublicPattern[];
  byDomain: Map<string, DomainPlacement>;
  /** Path-dependent placements (a public pattern with a prefix on the domain), by `domain/path`. */
  placements: Map<string, RegistryPlacement>;
}

const indexes = new WeakMap<RegistriesConfig, RegistryIndex>();

function indexOf(config: RegistriesConfig): RegistryIndex {
  let index = indexes.get(config);
  // A caller that edits the config in place (rather than replacing it) gets a fresh index.
  if (!index || index.registries !== config.registries || index.registriesLength !== config.registries.length || index.publicList !== config.public || index.publicLength !== config.public.length || index.customDomains !== config.customDomains || index.app !== config.app || index.appId !== config.appId) {
    index = {
      registries: config.registries,
      registriesLength: config.registries.length,
      publicList: config.public,
      publicLength: config.public.length,
      customDomains: config.customDomains,
      app: config.app,
      appId: config.appId,
      registryDomains: config.customDomains.registry,
      proxyHosts: new Set([DEFAULT_PROXY_DOMAIN, ...config.customDomains.proxy].map(normalizeHost)),
      publicPatterns: config.public.flatMap((pattern) => {
        const parsed = parsePublicPattern(pattern);
        return parsed ? [parsed] : [];
      }),
      byDomain: new Map(),
      placements: new Map(),
    };
    indexes.set(config, index);
  }
  return index;
}

function domainOf(domain: string, config: RegistriesConfig, index: RegistryIndex): DomainPlacement {
  let byDomain = index.byDomain.get(domain);
  if (!byDomain) {
    byDomain = placeDomain(domain, config, index);
    index.byDomain.set(domain, byDomain);
  }
  return byDomain;
}

export function placeReference(reference: ImageReference, config: RegistriesConfig): RegistryPlacement {
  const index = indexOf(config);
  const byDomain = domainOf(reference.domain, config, index);
  if (byDomain.placement) return byDomain.placement;
  const key = `${reference.domain}/${reference.path}`;
  let placement = index.placements.get(key);
  if (!placement) {
    const pattern = byDomain.patterns.find((candidate) => matchesPath(reference.path, candidate));
    placement = pattern ? { kind: 'public-listed', pattern: pattern.pattern } : UNKNOWN;
    index.placements.set(key, placement);
  }
  return placement;
}

/** `guessProvider(reference.domain)`, asked once per domain and configuration (a file's references sit on a handful of domains). */
export function providerOfDomain(reference: ImageReference, config: RegistriesConfig): Provider {
  const byDomain = domainOf(reference.domain, config, indexOf(config));
  return (byDomain.provider ??= guessProvider(reference.domain));
}

const UNKNOWN: RegistryPlacement = { kind: 'unknown' };

function placeDomain(domain: string, config: RegistriesConfig, index: RegistryIndex): DomainPlacement {
  if (isReplicatedRegistryDomain(domain, index.registryDomains)) return { placement: { kind: 'replicated-registry' }, patterns: [] };
  if (index.proxyHosts.has(normalizeHost(domain))) return { placement: { kind: 'proxy-host' }, patterns: [] };
  const entries = config.registries.filter((candidate) => endpointMatchesDomain(candidate.endpoint, domain));
  const entry = entries.find((candidate) => servesApp(candidate, config));
  if (entry) return { placement: { kind: 'connected', entry }, patterns: [] };
  if (entries.length > 0) return { placement: { kind: 'scoped-elsewhere', entries }, patterns: [] };
  const host = registryHostForReference(domain);
  const patterns = index.publicPatterns.filter((pattern) => pattern.host === host);
  const first = patterns[0];
  if (!first) return { placement: UNKNOWN, patterns };
  if (first.prefix === undefined) return { placement: { kind: 'public-listed', pattern: first.pattern }, patterns };
  return { patterns };
}

/**
 * Whether a registry serves this app. A registry's App Access is "All Apps" or "Specific apps": scoped,
 * "only customers with a valid license for the specified applications have pull-through access"
 * (docs/vendor/packaging-private-images.md, "Scope a registry to specific applications"). `appIds` hold
 * the portal's app ids; a slug written there in the workspace file counts too. Unknown app id: it serves.
 */
export function servesApp(entry: RegistryEntry, config: Pick<RegistriesConfig, 'app' | 'appId'>): boolean {
  if (!entry.appIds || entry.appIds.length === 0) return true;
  if (entry.appIds.some((id) => id === config.appId || id === config.app)) return true;
  // Without the app's id (the portal resolves it) an id in the list may still be this app's: no guess.
  return config.appId === undefined;
}

/** `docker.io` matches every Docker Hub image; `docker.io/library` matches `nginx` and `docker.io/library/x/y`. */
export function matchesPublicPattern(reference: ImageReference, pattern: string): boolean {
  const parsed = parsePublicPattern(pattern);
  return parsed !== undefined && parsed.host === registryHostForReference(reference.domain) && matchesPath(reference.path, parsed);
}

/** A `public:` entry's host and repository prefix; undefined for an empty entry (it matches nothing). */
function parsePublicPattern(pattern: string): PublicPattern | undefined {
  const trimmed = pattern.trim().replace(/^[a-z][a-z0-9+.-]*:\/\//i, '').replace(/\/+$/, '');
  if (trimmed === '') return undefined;
  const slash = trimmed.indexOf('/');
  const host = registryHostForReference(slash < 0 ? trimmed : trimmed.slice(0, slash));
  return { pattern, host, prefix: slash < 0 ? undefined : trimmed.slice(slash + 1).toLowerCase() };
}

function matchesPath(path: string, pattern: PublicPattern): boolean {
  const prefix = pattern.prefix;
  return prefix === undefined || path === prefix || path.startsWith(`${prefix}/`);
}
