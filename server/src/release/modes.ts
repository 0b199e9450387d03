/**
 * The KOTS function set of one install mode for a release: its Config items, the app slug, the team's
 * proxy domain, and whether an image is private (KOTS proxies private images only: "If KOTS receives a
 * 401 response when attempting to load image manifests ... it assumes that this is a private image",
 * docs/vendor/private-images-kots.mdx). Offline, a connected registry's image is private and a listed
 * public one is not; anything else cannot be told.
 */
import type { AnalysisEnvironment } from '../findings/types';
import { parseImageReference } from '../reference/imageReference';
import { DEFAULT_PROXY_DOMAIN, normalizeHost } from '../reference/proxy';
import { placeReference } from '../store/placement';
import type { TemplateFunction } from '../templates/evaluate';
import { kotsFunctions, type InstallMode } from '../templates/kots';
import type { Release } from './release';

/** The proxy domain KOTS rewrites to: the team's custom proxy domain when one is listed, else Replicated's. */
export function kotsProxyDomain(env: Pick<AnalysisEnvironment, 'config'>): string {
  const custom = env.config.customDomains.proxy.map(normalizeHost).find((domain) => domain !== DEFAULT_PROXY_DOMAIN);
  return custom ?? DEFAULT_PROXY_DOMAIN;
}

/** Whether KOTS treats an image as private, as far as the registries file tells. */
export function isPrivateImage(reference: string, env: Pick<AnalysisEnvironment, 'config'>): boolean | undefined {
  const parsed = parseImageReference(reference);
  if (!parsed.ok) return undefined;
  const placement = placeReference(parsed.reference, env.config);
  if (placement.kind === 'connected') return true;
  if (placement.kind === 'public-listed' || placement.kind === 'replicated-registry' || placement.kind === 'proxy-host') return false;
  return undefined;
}

/** Function sets per configuration, per release, per mode (the closures read both). */
const cache = new WeakMap<object, WeakMap<object, Map<string, ReadonlyMap<string, TemplateFunction>>>>();

export function kotsFunctionsFor(release: Release | undefined, env: Pick<AnalysisEnvironment, 'config'>, mode: Exclude<InstallMode, 'helm'>): ReadonlyMap<string, TemplateFunction> {
  let byRelease = cache.get(env.config);
  if (!byRelease) {
    byRelease = new WeakMap();
    cache.set(env.config, byRelease);
  }
  const owner = release ?? env.config;
  let byMode = byRelease.get(owner);
  if (!byMode) {
    byMode = new Map();
    byRelease.set(owner, byMode);
  }
  let functions = byMode.get(mode);
  if (!functions) {
    functions = kotsFunctions({
      mode,
      ...(env.config.app ? { appSlug: env.config.app } : {}),
      configItems: release?.configItems ?? new Map(),
      isPrivate: (reference) => isPrivateImage(reference, env),
      proxyDomain: kotsProxyDomain(env),
    });
    byMode.set(mode, functions);
  }
  return functions;
}
