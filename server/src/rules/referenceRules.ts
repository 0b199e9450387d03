/** `invalid-reference` and `proxy-app-mismatch`: what the reference text itself says. */
import type { AnalysisEnvironment, Finding, FoundImage } from '../findings/types';
import { parseImageReference } from '../reference/imageReference';
import { proxyUpstreamError } from '../manifests/proxyPrefix';
import { fileRangeOf, relatedOf } from './ranges';
import { nominalSeverity } from './severity';

export function referenceFindings(image: FoundImage, env: AnalysisEnvironment): Finding[] {
  if (image.templated) return [];
  const related = relatedOf(image);
  const base = (fields: Omit<Finding, 'reference'>): Finding => (related ? { ...fields, reference: image.text, related } : { ...fields, reference: image.text });
  if (!image.reference) {
    const parsed = parseImageReference(image.text);
    if (parsed.ok) return [];
    const range = fileRangeOf(image, parsed.error.span);
    return [base({ code: 'invalid-reference', severity: nominalSeverity('invalid-reference'), message: whitespaceProblem(image.text) ?? parsed.error.message, ...range })];
  }
  const findings: Finding[] = [];
  const upstreamError = image.upstream ? undefined : proxyUpstreamError(image.reference, env.config.customDomains.proxy);
  if (upstreamError) {
    findings.push(base({ code: 'invalid-reference', severity: nominalSeverity('invalid-reference'), message: `${upstreamError.message} (in the upstream reference after the proxy prefix)`, ...fileRangeOf(image, upstreamError.span) }));
  }
  const app = env.config.app;
  if (image.proxy && app && image.proxy.appSlug !== app) {
    const slugAt = image.text.indexOf(`/proxy/${image.proxy.appSlug}/`);
    const span = slugAt < 0 ? undefined : { start: slugAt + '/proxy/'.length, end: slugAt + '/proxy/'.length + image.proxy.appSlug.length };
    findings.push(
      base({
        code: 'proxy-app-mismatch',
        severity: nominalSeverity('proxy-app-mismatch'),
        message: `the proxy path names app "${image.proxy.appSlug}" but this application is "${app}" (app: in the registries file); customers' licenses only grant pulls through their own app — change it to /proxy/${app}/`,
        ...fileRangeOf(image, span),
        data: { proxyReference: image.text.replace(`/proxy/${image.proxy.appSlug}/`, `/proxy/${app}/`) },
      }),
    );
  }
  return findings;
}

/**
 * Docker says only "invalid reference format" for a reference with a line break or spaces around it;
 * the usual cause is a block scalar whose chomping keeps the final line break (`image: |`).
 */
function whitespaceProblem(text: string): string | undefined {
  const trimmed = text.trim();
  if (trimmed === text || trimmed === '' || !parseImageReference(trimmed).ok) return undefined;
  if (/\n$/.test(text) && text.trimStart() === text) {
    return 'invalid reference format: the image ends with a line break, which a `|` or `>` block scalar keeps; write `|-` or `>-` (or put the image on the key\'s line)';
  }
  return 'invalid reference format: the image has spaces or line breaks around it; remove them';
}
