/**
 * `double-proxy-prefix`: a proxy reference where KOTS rewrites private images itself — plain manifests
 * and Application `additionalImages` (docs/vendor/private-images-kots.mdx, "KOTS automatically rewrites
 * image names ... for these application types"; docs/vendor/operator-defining-additional-images.mdx).
 * KOTS prefixes every private image with its proxy domain and skips only references already on that
 * same host (replicatedhq/kots @370ae90 pkg/docker/registry/images.go MakeProxiedImageURL), so a reference
 * on another proxy domain gets a second prefix — a known KOTS failure (replicatedhq/kots#1188).
 * `additionalImages` must be upstream references: they are always reported, lowered to a warning when
 * the domain is the one KOTS uses; a manifest only when the domain differs (then it fails for certain).
 */
import type { AnalysisEnvironment, Finding, FoundImage } from '../findings/types';
import { normalizeHost, customerProxyDomain } from '../reference/proxy';
import { fileRangeOf, relatedOf } from './ranges';
import { nominalSeverity } from './severity';

/** The image's finding, if it is a proxy reference KOTS prefixes again (one at most). */
export function doubleProxyFinding(image: FoundImage, env: Pick<AnalysisEnvironment, 'config'>): Finding | undefined {
  if (!image.proxy || !image.reference || image.templated) return undefined;
  const additional = image.kind === 'additional-image';
  // `container` and `collector` images are those of manifests (a chart template's are `helm-template`).
  const manifest = image.kind === 'container' || image.kind === 'collector';
  if (!additional && !manifest) return undefined;
  const kotsDomain = customerProxyDomain(env.config.customDomains.proxy);
  const other = normalizeHost(image.proxy.domain) !== kotsDomain;
  if (!other && !additional) return undefined;
  const prefix = `/proxy/${image.proxy.appSlug}/`;
  const at = image.text.indexOf(prefix);
  const upstream = at < 0 ? undefined : image.text.slice(at + prefix.length);
  const what = additional ? 'additionalImages are pulled and proxied by KOTS itself and must be upstream references' : 'KOTS rewrites the private images of manifests to the proxy itself';
  const message = other
    ? `${what}: this reference is on ${image.proxy.domain}, but KOTS proxies through ${kotsDomain}, so it becomes ${kotsDomain}/proxy/${image.proxy.appSlug}/${image.text} (a double prefix that fails); write the upstream reference${upstream ? ` ${upstream}` : ''}`
    : `${what}; write the upstream reference${upstream ? ` ${upstream}` : ''} — a proxy reference here is prefixed again as soon as the release's proxy domain changes (a custom domain on a channel)`;
  const finding: Finding = {
    code: 'double-proxy-prefix',
    severity: other ? nominalSeverity('double-proxy-prefix') : 'warning',
    message,
    ...fileRangeOf(image, undefined),
    reference: image.text,
  };
  const related = relatedOf(image);
  if (related) finding.related = related;
  if (upstream && image.exact && image.end - image.start === image.text.length) finding.data = { fixes: [{ title: `Write the upstream reference ${upstream}`, edits: [{ file: '', start: image.start, end: image.end, newText: upstream }] }] };
  return finding;
}
