/**
 * `proxy-path-malformed`: a reference on a proxy host or on the Replicated registry whose path does not
 * have the shape that host serves (replicated-docs @3187d2d):
 *  - proxy: `<domain>/proxy/<app-slug>/<upstream registry>/<image>` (docs/vendor/private-images-kots.mdx,
 *    "The proxy registry URL has the following format: DOMAIN/proxy/APP_SLUG/UPSTREAM_REGISTRY/IMAGE_PATH");
 *    the Replicated SDK image `proxy.replicated.com/library/replicated-sdk-image` (docs/vendor/custom-domains.md)
 *    and the credential-less `anon/` form (release-notes/rn-vendor-platform.md V2024.06.21-2) are exempt;
 *  - Replicated registry: `registry.replicated.com/<app-slug>/<image>` (docs/vendor/private-images-replicated.mdx),
 *    `library/` images (the SDK) exempt.
 */
import type { AnalysisEnvironment, Finding, FoundImage } from '../findings/types';
import { customerProxyDomain } from '../reference/proxy';
import { placeReference } from '../store/placement';
import { parseImageReference } from '../reference/imageReference';
import { fileRangeOf, relatedOf } from './ranges';
import { nominalSeverity } from './severity';

/** The image's finding, if its path does not have its host's shape (one at most). */
export function proxyPathFinding(image: FoundImage, env: Pick<AnalysisEnvironment, 'config'>): Finding | undefined {
  const reference = image.reference;
  if (image.templated || !reference || !reference.explicitDomain) return undefined;
  // Most images are on neither host: the placement (cached per configuration) says so without string work.
  const placement = placeReference(reference, env.config).kind;
  if (placement !== 'proxy-host' && placement !== 'replicated-registry') return undefined;
  const written = reference.input.slice(reference.spans.path.start, reference.spans.path.end);
  const app = env.config.app;
  const finding = (message: string, fix?: { title: string; text: string }): Finding => {
    const related = relatedOf(image);
    const out: Finding = { code: 'proxy-path-malformed', severity: nominalSeverity('proxy-path-malformed'), message, ...fileRangeOf(image, reference.spans.path), reference: image.text, data: { domain: reference.domain, path: reference.path, canonical: reference.canonical } };
    if (related) out.related = related;
    if (fix && image.exact && image.end - image.start === image.text.length && !image.related && !image.evaluation) {
      out.data = { ...out.data, proxyReference: fix.text, fixes: [{ title: fix.title, edits: [{ file: '', start: image.start, end: image.end, newText: fix.text }] }] };
    }
    return out;
  };
  if (placement === 'proxy-host') {
    if (written === 'library/replicated-sdk-image' || written.startsWith('anon/')) return undefined;
    if (!written.startsWith('proxy/')) {
      const after = image.text.slice(reference.spans.path.start);
      const fixed = app && parseImageReference(after).ok ? `${image.text.slice(0, reference.spans.path.start)}proxy/${app}/${after}` : undefined;
      return finding(
        `on the proxy host ${reference.domain} an image reads ${reference.domain}/proxy/<app-slug>/<upstream registry>/<image>, not "${written}": the proxy refuses this path${fixed ? `; write ${fixed}` : ''}`,
        fixed ? { title: `Insert proxy/${app}/: ${fixed}`, text: fixed } : undefined,
      );
    }
    if (written.indexOf('/', 'proxy/'.length) < 0) {
      return finding(`nothing follows the app slug in "${written}": a proxy reference names the upstream image after it (${reference.domain}/proxy/<app-slug>/<upstream registry>/<image>)`);
    }
    return undefined;
  }
  {
    const slash = written.indexOf('/');
    const first = slash < 0 ? written : written.slice(0, slash);
    if (first === 'library') return undefined;
    if (first === 'proxy') {
      const proxyDomain = customerProxyDomain(env.config.customDomains.proxy);
      const fixed = `${proxyDomain}${image.text.slice(image.text.indexOf('/'))}`;
      return finding(`${reference.domain} is the Replicated registry, not the proxy: proxy references (/proxy/<app>/...) go on ${proxyDomain}`, { title: `Use the proxy host: ${fixed}`, text: fixed });
    }
    if (slash < 0) return finding(`nothing follows the app slug in "${written}": a Replicated registry image reads ${reference.domain}/<app-slug>/<image>`);
    if (app && first !== app) {
      const fixed = `${image.text.slice(0, reference.spans.path.start)}${app}${image.text.slice(reference.spans.path.start + first.length)}`;
      return finding(`the Replicated registry path names app "${first}" but this application is "${app}" (app: in the registries file); customers' licenses only pull their own app's images — ${reference.domain}/${app}/...`, { title: `Use this app's slug: ${fixed}`, text: fixed });
    }
  }
  return undefined;
}
