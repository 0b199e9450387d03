/**
 * A proxy reference whose upstream part is malformed (`proxy.replicated.com/proxy/app/Bad:tag`):
 * `parseProxyReference` declines it, but the rule should still point at the upstream's error.
 */
import { DEFAULT_PROXY_DOMAIN, normalizeHost } from '../reference/proxy';
import { parseImageReference, type ImageReference, type ReferenceError } from '../reference/imageReference';

/** The upstream's parse error, with its span shifted to offsets in the whole reference; undefined when not such a reference. */
export function proxyUpstreamError(reference: ImageReference, proxyDomains: readonly string[]): ReferenceError | undefined {
  const domain = normalizeHost(reference.domain);
  if (!reference.explicitDomain || ![DEFAULT_PROXY_DOMAIN, ...proxyDomains].some((candidate) => normalizeHost(candidate) === domain)) return undefined;
  const path = reference.input.slice(reference.spans.path.start, reference.spans.path.end);
  const match = /^proxy\/([^/]+)\//.exec(path);
  if (!match) return undefined;
  const upstreamOffset = reference.spans.path.start + match[0].length;
  const parsed = parseImageReference(reference.input.slice(upstreamOffset));
  if (parsed.ok) return undefined;
  return { ...parsed.error, span: { start: parsed.error.span.start + upstreamOffset, end: parsed.error.span.end + upstreamOffset } };
}
