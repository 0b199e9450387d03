/**
 * Replicated's two kinds of image host, seen from a parsed reference:
 *
 *  - the **proxy registry**: `<proxy-domain>/proxy/<app-slug>/<upstream>` pulls `<upstream>` from one of
 *    the team's connected external registries with the vendor's credentials (`proxy.replicated.com`, or a
 *    custom proxy domain). The upstream is written as any reference would be, so a Docker Hub image may
 *    omit its host (`proxy.replicated.com/proxy/app/nginx:1` pulls `docker.io/library/nginx:1`);
 *  - the **Replicated registry**: `<registry-domain>/<app-slug>/<image>` (`registry.replicated.com`, or a
 *    custom registry domain), which needs no external registry at all.
 *
 * And the rewrite KOTS applies to a private image: `<proxy-domain>/proxy/<app-slug>/<reference as written>`.
 * Pure: no I/O.
 */
import type { ImageReference, TextSpan } from './imageReference';
import { parseImageReference } from './parse';

/** Replicated's proxy registry host, always recognized besides a team's custom proxy domains. */
export const DEFAULT_PROXY_DOMAIN = 'proxy.replicated.com';
/** Replicated's own registry host, always recognized besides a team's custom registry domains. */
export const DEFAULT_REGISTRY_DOMAIN = 'registry.replicated.com';
const PROXY_PATH_PREFIX = 'proxy/';

export interface ProxyReference {
  /** The proxy host as written in the reference. */
  proxyDomain: string;
  appSlug: string;
  /**
   * The image the proxy pulls, parsed on its own. Its `input` is the upstream text (what follows
   * `/proxy/<app-slug>/`), but its `spans` are offsets in the ORIGINAL reference's `input`, so that a
   * diagnostic about the upstream lands on the right characters of the document.
   */
  upstream: ImageReference;
  /** Set for the registry-name form: the registry name as written. */
  registryName?: string;
}

const PLAIN_HOST = /^[a-z0-9.:[\]-]*$/;

/**
 * Host names compare case-insensitively; custom domains in configuration are sometimes written as
 * URLs (`https://images.acme.example/`), so a scheme and trailing slashes are ignored.
 */
export function normalizeHost(host: string): string {
  // Most hosts already are (`ghcr.io`, `localhost:5000`): one test instead of four new strings, for every image of a file.
  if (PLAIN_HOST.test(host)) return host;
  return host
    .trim()
    .replace(/^[a-z][a-z0-9+.-]*:\/\//i, '')
    .replace(/\/+$/, '')
    .toLowerCase();
}

/**
 * The proxy domain customers pull through, from the team's proxy domains (`customDomains.proxy`, written
 * as hosts or URLs) and the custom domain the vendor portal marks default: that one, else the first custom
 * domain listed, else proxy.replicated.com. One answer for KOTS's rewrite, the quick fixes, the hover,
 * completion and a pull as a customer, so that they never name different hosts.
 */
export function customerProxyDomain(proxyDomains: readonly string[], portalDefault?: string): string {
  return customProxyDomain(proxyDomains, portalDefault) ?? DEFAULT_PROXY_DOMAIN;
}

/** The team's custom proxy domain (as customerProxyDomain picks it), or undefined when it has none. */
export function customProxyDomain(proxyDomains: readonly string[], portalDefault?: string): string | undefined {
  if (portalDefault !== undefined && normalizeHost(portalDefault) !== DEFAULT_PROXY_DOMAIN) return normalizeHost(portalDefault);
  return proxyDomains.map(normalizeHost).find((host) => host !== DEFAULT_PROXY_DOMAIN);
}

/** Whether `host` is proxy.replicated.com or one of the team's proxy domains. */
export function isProxyDomain(host: string, proxyDomains: readonly string[]): boolean {
  return findDomain(host, DEFAULT_PROXY_DOMAIN, proxyDomains);
}

/** Whether `domain` is `builtIn` or one of `others` (asked for every image: no array is built). */
function findDomain(domain: string, builtIn: string, others: readonly string[]): boolean {
  const wanted = normalizeHost(domain);
  if (wanted === builtIn) return true;
  for (const candidate of others) if (normalizeHost(candidate) === wanted) return true;
  return false;
}

/** The path exactly as written (Docker Hub's implicit `library/` is not part of what the user typed). */
function writtenPath(ref: ImageReference): string {
  return ref.input.slice(ref.spans.path.start, ref.spans.path.end);
}

function shift(textSpan: TextSpan | undefined, offset: number): TextSpan | undefined {
  return textSpan ? { start: textSpan.start + offset, end: textSpan.end + offset } : undefined;
}

/**
 * Recognizes `<proxy-domain>/proxy/<app-slug>/<upstream>` on `proxy.replicated.com` or one of
 * `proxyDomains`. Returns undefined when `ref` is not such a reference, when nothing follows the app
 * slug, or when the upstream text is not itself a valid reference (the outer reference then has to be
 * judged as it stands).
 */
export function parseProxyReference(ref: ImageReference, proxyDomains: readonly string[], registryNames?: ReadonlyMap<string, string>): ProxyReference | undefined {
  if (!ref.explicitDomain || !findDomain(ref.domain, DEFAULT_PROXY_DOMAIN, proxyDomains)) return undefined;
  const path = writtenPath(ref);
  if (!path.startsWith(PROXY_PATH_PREFIX)) return undefined;
  const slugEnd = path.indexOf('/', PROXY_PATH_PREFIX.length);
  if (slugEnd < 0) return undefined;
  const appSlug = path.slice(PROXY_PATH_PREFIX.length, slugEnd);
  const upstreamStart = ref.spans.path.start + slugEnd + 1;
  const upstreamText = ref.input.slice(upstreamStart);
  const named = registryNames ? registryNameForm(upstreamText, registryNames) : undefined;
  const parsed = parseImageReference(named ? named.text : upstreamText);
  if (!parsed.ok) return undefined;
  const upstream = parsed.reference;
  // With the registry-name form the parsed text starts with the endpoint, not with what was written:
  // spans after the name move by the difference, and the domain span is the name as written.
  const offset = named ? upstreamStart + named.nameLength - named.hostLength : upstreamStart;
  const spans: ImageReference['spans'] = { path: { start: upstream.spans.path.start + offset, end: upstream.spans.path.end + offset } };
  const domain = named ? { start: upstreamStart, end: upstreamStart + named.nameLength } : shift(upstream.spans.domain, upstreamStart);
  const tag = shift(upstream.spans.tag, offset);
  const digest = shift(upstream.spans.digest, offset);
  if (domain) spans.domain = domain;
  if (tag) spans.tag = tag;
  if (digest) spans.digest = digest;
  const proxy: ProxyReference = { proxyDomain: ref.domain, appSlug, upstream: { ...upstream, spans } };
  if (named) proxy.registryName = named.name;
  return proxy;
}

/**
 * The proxy's registry-name form: `<proxy-domain>/proxy/<app>/<registry name>/<repository>`, where the
 * name is a connected registry's Registry Name (its slug) instead of its domain ("a simplified image
 * proxy URI (`/name/` instead of `/registry-domain/`)", docs/vendor/packaging-private-images.md). The
 * upstream is then that registry's endpoint + the repository. Undefined when the first component names
 * no registry (or is the registry's endpoint itself).
 */
function registryNameForm(upstream: string, registryNames: ReadonlyMap<string, string>): { text: string; name: string; nameLength: number; hostLength: number } | undefined {
  const slash = upstream.indexOf('/');
  if (slash <= 0) return undefined;
  const name = upstream.slice(0, slash);
  const endpoint = registryNames.get(name.toLowerCase());
  if (endpoint === undefined) return undefined;
  const host = normalizeHost(endpoint).replace(/\/.*$/, '');
  if (host === name.toLowerCase()) return undefined;
  return { text: `${host}${upstream.slice(slash)}`, name, nameLength: name.length, hostLength: host.length };
}

/** Whether `domain` is Replicated's registry or one of the team's custom registry domains. */
export function isReplicatedRegistryDomain(domain: string, registryDomains: readonly string[]): boolean {
  return findDomain(domain, DEFAULT_REGISTRY_DOMAIN, registryDomains);
}

/**
 * For an image on the Replicated registry (`registry.replicated.com/<app-slug>/<image>`, or a custom
 * registry domain), the app slug; undefined for any other reference, and for a reference on that host
 * with no image after the slug.
 */
export function isReplicatedRegistryReference(ref: ImageReference, registryDomains: readonly string[]): string | undefined {
  if (!ref.explicitDomain || !isReplicatedRegistryDomain(ref.domain, registryDomains)) return undefined;
  const path = writtenPath(ref);
  const slugEnd = path.indexOf('/');
  return slugEnd > 0 ? path.slice(0, slugEnd) : undefined;
}

/**
 * Why `ref` cannot be written under a proxy prefix, or undefined when it can. Under the prefix the
 * upstream host becomes a path component, and Docker's grammar allows no `:` there: a host with a port
 * (`localhost:5000`) or an IPv6 literal gives a reference no client can pull.
 */
export function proxyRewriteProblem(ref: ImageReference): string | undefined {
  if (!ref.spans.domain) return undefined;
  const host = ref.input.slice(ref.spans.domain.start, ref.spans.domain.end);
  if (host.startsWith('[')) return `the registry host ${host} is an IPv6 address, which cannot appear in a proxy path: use a DNS name for the registry`;
  if (host.includes(':')) return `the registry host ${host} has a port, which cannot appear in a proxy path (":" is not allowed there): serve the registry on the default HTTPS port`;
  return undefined;
}

/**
 * What KOTS rewrites a private image to: `<proxy-domain>/proxy/<app-slug>/<reference as written>`
 * (tag and digest kept; a Docker Hub image keeps its host-less spelling). An uppercase registry host
 * is written in lowercase (hosts are case-insensitive, and under the prefix it is part of the path,
 * which must be lowercase). A reference that already is a proxy reference (on `proxy.replicated.com`
 * or on `proxyDomain`) is returned unchanged. Check {@link proxyRewriteProblem} first: for a host with
 * a port or an IPv6 literal the result is not a valid reference.
 */
export function toProxyReference(ref: ImageReference, appSlug: string, proxyDomain: string = DEFAULT_PROXY_DOMAIN): string {
  const host = normalizeHost(proxyDomain);
  if (parseProxyReference(ref, [host])) return ref.input;
  const domainSpan = ref.spans.domain;
  const upstream = domainSpan ? ref.input.slice(0, domainSpan.end).toLowerCase() + ref.input.slice(domainSpan.end) : ref.input;
  return `${host}/${PROXY_PATH_PREFIX}${appSlug}/${upstream}`;
}
