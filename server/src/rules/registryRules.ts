/**
 * Where an image is pulled from, seen from the team's registries file: the Replicated registry, a
 * connected external registry, a host or repository listed as public, or unknown (→ `registry-not-connected`).
 */
import type { AnalysisEnvironment, Finding, FoundImage } from '../analysis/types';
import type { ImageReference } from '../reference/imageReference';
import { DEFAULT_PROXY_DOMAIN, isReplicatedRegistryDomain, normalizeHost } from '../reference/proxy';
import { endpointMatchesDomain, guessProvider, registryHostForReference } from '../registry/endpoints';
import type { RegistryEntry } from '../registry/types';
import type { RegistriesConfig } from '../store/types';
import { fileRangeOf, relatedOf } from './ranges';

export type RegistryPlacement =
  | { kind: 'replicated-registry' }
  | { kind: 'proxy-host' }
  | { kind: 'connected'; entry: RegistryEntry }
  /** Connected, but App Access limits it to other apps: the proxy does not pull it for this app. */
  | { kind: 'scoped-elsewhere'; entries: RegistryEntry[] }
  | { kind: 'public-listed'; pattern: string }
  | { kind: 'unknown' };

/** The reference whose registry matters: the upstream of a proxy reference, else the reference itself. */
export function effectiveReference(image: FoundImage): ImageReference | undefined {
  return image.templated ? undefined : (image.upstream ?? image.reference);
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
      placements: new Map(),
    };
    indexes.set(config, index);
  }
  return index;
}

export function placeReference(reference: ImageReference, config: RegistriesConfig): RegistryPlacement {
  const index = indexOf(config);
  const key = `${reference.domain}/${reference.path}`;
  let placement = index.placements.get(key);
  if (!placement) {
    placement = computePlacement(reference, config, index);
    index.placements.set(key, placement);
  }
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

/** Offline (or without a registry client): an unknown registry is an `info` saying we could not tell. */
export function offlineRegistryFindings(image: FoundImage, env: AnalysisEnvironment): Finding[] {
  if (!env.offline && env.registryClient) return [];
  const reference = effectiveReference(image);
  if (!reference || image.kind === 'excluded-image') return [];
  const placement = placeReference(reference, env.config);
  if (placement.kind === 'scoped-elsewhere') return [scopedElsewhereFinding(image, reference, placement.entries, env)];
  if (placement.kind !== 'unknown') return [];
  return [notConnectedFinding(image, reference, 'info', `${reference.domain} is not one of the team's registries, and offline it cannot be told whether "${reference.familiar}" is public; connect the registry, or list it under public: in .replicated-registries.yaml if customers can pull it anonymously`)];
}

export function notConnectedFinding(image: FoundImage, reference: ImageReference, severity: Finding['severity'], message: string): Finding {
  const related = relatedOf(image);
  return {
    code: 'registry-not-connected',
    severity,
    message,
    ...fileRangeOf(image, image.upstream ? undefined : reference.spans.domain),
    reference: image.text,
    data: { domain: reference.domain, path: reference.path, tag: reference.tag, digest: reference.digest, provider: guessProvider(reference.domain), canonical: reference.canonical },
    ...(related ? { related } : {}),
  };
}

/** A connected registry whose App Access leaves this app out: not connected, for this app. */
export function scopedElsewhereFinding(image: FoundImage, reference: ImageReference, entries: RegistryEntry[], env: Pick<AnalysisEnvironment, 'config'>): Finding {
  const names = entries.map((entry) => `"${entry.slug}" (app ids ${(entry.appIds ?? []).join(', ')})`).join(', ');
  const app = env.config.app ?? env.config.appId ?? 'this app';
  return notConnectedFinding(
    image,
    reference,
    'warning',
    `${reference.domain} is connected as ${names}, scoped to other apps, so the Replicated proxy does not pull "${reference.familiar}" for customers of ${app}; add ${app} to the registry's App Access in the vendor portal (or connect the registry for all apps)`,
  );
}
