/** `tag-latest`, `tag-missing`, `digest-pinning`: reproducibility of what customers pull. */
import type { Finding, FoundImage, RuleCode } from '../findings/types';
import { fileRangeOf, relatedOf } from './ranges';
import { nominalSeverity } from './severity';

/** `enabled` says which rules are on, so a rule that is off (digest-pinning by default) builds nothing. */
export function tagFindings(image: FoundImage, enabled: (code: RuleCode) => boolean = () => true): Finding[] {
  const reference = image.upstream ?? image.reference;
  if (image.templated || !reference) return [];
  const findings: Finding[] = [];
  const make = (code: RuleCode, message: string, range: { start: number; end: number }): void => {
    const finding: Finding = {
      code,
      severity: nominalSeverity(code),
      message,
      start: range.start,
      end: range.end,
      reference: image.text,
      data: { domain: reference.domain, path: reference.path, tag: reference.tag, digest: reference.digest, canonical: reference.canonical },
    };
    const related = relatedOf(image);
    if (related) finding.related = related;
    findings.push(finding);
  };
  if (reference.digest) return findings;
  if (reference.tag === 'latest' && enabled('tag-latest')) {
    make('tag-latest', `"${reference.familiar}:latest" moves between releases; use a version tag or pin a digest`, fileRangeOf(image, reference.spans.tag));
  }
  if (!reference.tag && enabled('tag-missing')) {
    make('tag-missing', `"${image.text}" has no tag, so Docker pulls "latest"; add a version tag or a digest`, image);
  }
  if (enabled('digest-pinning')) {
    make('digest-pinning', `"${image.text}" is not pinned to a digest; pin it (name:tag@sha256:...) for reproducible installs`, image);
  }
  return findings;
}
