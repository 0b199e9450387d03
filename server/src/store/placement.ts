/**
 * Where an image is pulled from, seen from the team's registries: the Replicated registry, a proxy host,
 * a connected external registry (or one scoped to other apps), a host or repository listed as public, or
 * unknown. The rules turn "unknown" into `registry-not-connected`; the release model asks it too.
 */
import type { ImageReference } from '../reference/imageReference';
import { DEFAULT_PROXY_DOMAIN, isReplicatedRegistryDomain, normalizeHost } from '../reference/proxy';
import { endpointMatchesDomain, registryHostForReference } from '../registry/endpoints';
import type { RegistryEntry } from '../registry/types';
import type { RegistriesConfig } from './types';

export type RegistryPlacement =
  | { kind: 'replicated-registry' }
  | { kind: 'proxy-host' }
  | { kind: 'connected'; entry: RegistryEntry }
  /** Connected, but App Access limits it to other apps: the proxy does not pull it for this app. */
  | { kind: 'scoped-elsewhere'; entries: RegistryEntry[] }
  | { kind: 'public-listed'; pattern: string }
  | { kind: 'unknown' };

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
  /** By `domain/path`: references parsed apart from each other (another file, an edit) share a placement. */
  placements: Map<string, RegistryPlacement>;
  /**
   * By the reference object: a file's images share one reference per distinct text (FileReading), and the
   * rules ask for an image's placement several times. Building the `domain/path` key for every question
   * was 40–45 ms (self time) of the 4.3 MB benchmark manifest's cold open; a WeakMap hit builds nothing.
   */
  byReference: WeakMap<ImageReference, RegistryPlacement>;
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
      placements: new Map(),
      byReference: new WeakMap(),
    };
    indexes.set(config, index);
  }
  return index;
}

export function placeReference(reference: ImageReference, config: RegistriesConfig): RegistryPlacement {
  const index = indexOf(config);
  let placement = index.byReference.get(reference);
  if (placement) return placement;
  const key = `${reference.domain}/${reference.path}`;
  placement = index.placements.get(key);
  if (!placement) {
    placement = computePlacement(reference, config, index);
    index.placements.set(key, placement);
  }
  index.byReference.set(reference, placement);
  return placement;
}

function computePlacement(reference: ImageReference, config: RegistriesConfig, index: RegistryIndex): RegistryPlacement {
  if (isReplicatedRegistryDomain(reference.domain, index.registryDomains)) return { kind: 'replicated-registry' };
  if (index.proxyHosts.has(normalizeHost(reference.domain))) return { kind: 'proxy-host' };
  const entries = config.registries.filter((candidate) => endpointMatchesDomain(candidate.endpoint, reference.domain));
  const entry = entries.find((candidate) => servesApp(candidate, config));
  if (entry) return { kind: 'connected', entry };
  if (entries.length > 0) return { kind: 'scoped-elsewhere', entries };
  const pattern = config.public.find((candidate) => matchesPublicPattern(reference, candidate));
  if (pattern !== undefined) return { kind: 'public-listed', pattern };
  return { kind: 'unknown' };
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
  const trimmed = pattern.trim().replace(/^[a-z][a-z0-9+.-]*:\/\//i, '').replace(/\/+$/, '');
  if (trimmed === '') return false;
  const slash = trimmed.indexOf('/');
  const host = registryHostForReference(slash < 0 ? trimmed : trimmed.slice(0, slash));
  if (host !== registryHostForReference(reference.domain)) return false;
  if (slash < 0) return true;
  const prefix = trimmed.slice(slash + 1).toLowerCase();
  return reference.path === prefix || reference.path.startsWith(`${prefix}/`);
}
