/** `invalid-reference` and `proxy-app-mismatch`: what the reference text itself says. */
import type { AnalysisEnvironment, Finding, FoundImage } from '../findings/types';
import { parseImageReference } from '../reference/imageReference';
import { fileRangeOf, relatedOf } from './ranges';
import { upstreamErrorOf } from './referenceFacts';
import { nominalSeverity } from './severity';

/** Appends the image's findings to `out`; most images have none, and cost no allocation then. */
export function referenceFindingsInto(image: FoundImage, env: AnalysisEnvironment, out: Finding[]): void {
  if (image.templated) return;
  const reference = image.reference;
  if (!reference) {
    const parsed = parseImageReference(image.text);
    if (parsed.ok) return;
    const range = fileRangeOf(image, parsed.error.span);
    out.push(withImage(image, { code: 'invalid-reference', severity: nominalSeverity('invalid-reference'), message: whitespaceProblem(image.text) ?? parsed.error.message, start: range.start, end: range.end }));
    return;
  }
  // The upstream of a proxy reference, parsed once per reference (referenceFacts.ts), not once per image.
  const upstreamError = image.upstream ? undefined : upstreamErrorOf(reference, env.config.customDomains.proxy);
  if (upstreamError) {
    const range = fileRangeOf(image, upstreamError.span);
    out.push(withImage(image, { code: 'invalid-reference', severity: nominalSeverity('invalid-reference'), message: `${upstreamError.message} (in the upstream reference after the proxy prefix)`, start: range.start, end: range.end }));
  }
  const app = env.config.app;
  if (image.proxy && app && image.proxy.appSlug !== app) {
    const slugAt = image.text.indexOf(`/proxy/${image.proxy.appSlug}/`);
    const span = slugAt < 0 ? undefined : { start: slugAt + '/proxy/'.length, end: slugAt + '/proxy/'.length + image.proxy.appSlug.length };
    const range = fileRangeOf(image, span);
    out.push(
      withImage(image, {
        code: 'proxy-app-mismatch',
        severity: nominalSeverity('proxy-app-mismatch'),
        message: `the proxy path names app "${image.proxy.appSlug}" but this application is "${app}" (app: in the registries file); customers' licenses only grant pulls through their own app — change it to /proxy/${app}/`,
        start: range.start,
        end: range.end,
        data: { proxyReference: image.text.replace(`/proxy/${image.proxy.appSlug}/`, `/proxy/${app}/`) },
      }),
    );
  }
}

/** A finding of `image`: its text as the reference, its related places. */
function withImage(image: FoundImage, fields: Omit<Finding, 'reference'>): Finding {
  const related = relatedOf(image);
  return related ? { ...fields, reference: image.text, related } : { ...fields, reference: image.text };
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
