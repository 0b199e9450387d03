/**
 * The forms of a proxy reference a vendor can write: on the default proxy domain
 * (`proxy.replicated.com/proxy/<app>/<upstream>`) and on the team's custom proxy domain. Used by the
 * hover (both forms) and the proxy-domain quick fixes. A form Docker would reject (an upstream host
 * with a port or an IPv6 address: `:` cannot appear in a repository path) is never offered; the
 * reason is given instead.
 */
import type { FoundImage } from '../findings/types';
import { parseImageReference, type ImageReference } from '../reference/imageReference';
import { DEFAULT_PROXY_DOMAIN, normalizeHost, proxyRewriteProblem, toProxyReference } from '../reference/proxy';
import type { RegistriesConfig } from '../store/types';

export interface ProxyForm {
  /** The proxy host of this form. */
  domain: string;
  /** True for proxy.replicated.com. */
  isDefaultDomain: boolean;
  reference: string;
}

export type ProxyForms = { forms: ProxyForm[] } | { problem: string };

/** The custom proxy domain to suggest: the one the portal marks default, else the first listed. */
export function preferredCustomProxyDomain(config: RegistriesConfig, portalDefault: string | undefined): string | undefined {
  const listed = config.customDomains.proxy.filter((d) => normalizeHost(d) !== DEFAULT_PROXY_DOMAIN);
  if (portalDefault && normalizeHost(portalDefault) !== DEFAULT_PROXY_DOMAIN) return normalizeHost(portalDefault);
  return listed[0] !== undefined ? normalizeHost(listed[0]) : undefined;
}

/** Length of the host part of a written reference (up to the first `/`), or -1. */
function hostLength(text: string): number {
  return text.indexOf('/');
}

/** The upstream reference of a proxy reference, parsed on its own (its spans are its own). */
function upstreamOf(image: FoundImage): ImageReference | undefined {
  if (!image.proxy) return image.reference;
  const prefix = `/proxy/${image.proxy.appSlug}/`;
  const at = image.text.indexOf(prefix);
  if (at < 0) return undefined;
  const parsed = parseImageReference(image.text.slice(at + prefix.length));
  return parsed.ok ? parsed.reference : undefined;
}

/**
 * The default-domain form and the custom-domain form (when the team has one) of the reference a
 * customer pulls for `image`: the image rewritten under the proxy, or, for a proxy reference, the
 * same reference on the other domain(s). `appSlug` is used for images not yet under the proxy.
 */
export function proxyFormsOf(image: FoundImage, appSlug: string, customDomain: string | undefined): ProxyForms | undefined {
  const upstream = upstreamOf(image);
  if (!upstream) return undefined;
  const problem = proxyRewriteProblem(upstream);
  if (problem) return { problem };
  const domains = [DEFAULT_PROXY_DOMAIN, ...(customDomain ? [customDomain] : [])];
  const forms = domains.map((domain): ProxyForm => {
    let reference: string;
    if (image.proxy) {
      const length = hostLength(image.text);
      reference = `${domain}${image.text.slice(length)}`;
    } else {
      reference = toProxyReference(upstream, appSlug, domain);
    }
    return { domain, isDefaultDomain: domain === DEFAULT_PROXY_DOMAIN, reference };
  });
  return { forms };
}

/**
 * For a proxy reference written exactly in the file: the proxy domain to switch it to (custom →
 * the default domain; default → the team's default custom domain when there is one), and the
 * image-relative span of its host.
 */
export function proxyDomainSwitch(image: FoundImage, portalDefaultCustom: string | undefined): { domain: string; hostEnd: number } | undefined {
  if (!image.proxy) return undefined;
  const upstream = upstreamOf(image);
  if (!upstream || proxyRewriteProblem(upstream)) return undefined;
  const hostEnd = hostLength(image.text);
  if (hostEnd <= 0) return undefined;
  const current = normalizeHost(image.proxy.domain);
  if (current !== DEFAULT_PROXY_DOMAIN) return { domain: DEFAULT_PROXY_DOMAIN, hostEnd };
  if (portalDefaultCustom && normalizeHost(portalDefaultCustom) !== DEFAULT_PROXY_DOMAIN) return { domain: normalizeHost(portalDefaultCustom), hostEnd };
  return undefined;
}
