/** `tag-latest`, `tag-missing`, `digest-pinning`: reproducibility of what customers pull. */
import type { Finding, FoundImage, RuleCode } from '../findings/types';
import { fileRangeOf, relatedOf } from './ranges';
import { factsOf, tagDataOf } from './referenceFacts';
import { nominalSeverity } from './severity';

/**
 * Appends the image's findings to `out`. `enabled` says which rules are on, so a rule that is off
 * (digest-pinning by default) builds nothing. The data object and the `tag-latest` message are the
 * reference's (referenceFacts.ts), shared by every image of the same text.
 */
export function tagFindingsInto(image: FoundImage, enabled: (code: RuleCode) => boolean, out: Finding[]): void {
  const reference = image.upstream ?? image.reference;
  if (image.templated || !reference || reference.digest) return;
  const latest = reference.tag === 'latest' && enabled('tag-latest');
  const missing = !reference.tag && enabled('tag-missing');
  const pinning = enabled('digest-pinning');
  if (!latest && !missing && !pinning) return;
  const facts = factsOf(reference);
  const data = tagDataOf(reference, facts);
  const related = relatedOf(image);
  const make = (code: RuleCode, message: string, start: number, end: number): void => {
    const finding: Finding = { code, severity: nominalSeverity(code), message, start, end, reference: image.text, data };
    if (related) finding.related = related;
    out.push(finding);
  };
  if (latest) {
    const range = fileRangeOf(image, reference.spans.tag);
    make('tag-latest', (facts.latestMessage ??= `"${reference.familiar}:latest" moves between releases; use a version tag or pin a digest`), range.start, range.end);
  }
  if (missing) make('tag-missing', `"${image.text}" has no tag, so Docker pulls "latest"; add a version tag or a digest`, image.start, image.end);
  if (pinning) make('digest-pinning', `"${image.text}" is not pinned to a digest; pin it (name:tag@sha256:...) for reproducible installs`, image.start, image.end);
}
