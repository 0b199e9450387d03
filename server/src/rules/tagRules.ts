/** `tag-latest`, `tag-missing`, `digest-pinning`: reproducibility of what customers pull. */
import type { Finding, FoundImage } from '../analysis/types';
import { fileRangeOf, relatedOf } from './ranges';
import { nominalSeverity } from './severity';

export function tagFindings(image: FoundImage): Finding[] {
  const reference = image.upstream ?? image.reference;
  if (image.templated || !reference) return [];
  const related = relatedOf(image);
  const data = { domain: reference.domain, path: reference.path, tag: reference.tag, digest: reference.digest, canonical: reference.canonical };
  const make = (fields: Omit<Finding, 'reference' | 'data'>): Finding => ({ ...fields, reference: image.text, data, ...(related ? { related } : {}) });
  const findings: Finding[] = [];
  if (reference.tag === 'latest' && !reference.digest) {
    findings.push(make({ code: 'tag-latest', severity: nominalSeverity('tag-latest'), message: `"${reference.familiar}:latest" moves between releases; use a version tag or pin a digest`, ...fileRangeOf(image, reference.spans.tag) }));
  }
  if (!reference.tag && !reference.digest) {
    findings.push(make({ code: 'tag-missing', severity: nominalSeverity('tag-missing'), message: `"${image.text}" has no tag, so Docker pulls "latest"; add a version tag or a digest`, start: image.start, end: image.end }));
  }
  if (!reference.digest) {
    findings.push(make({ code: 'digest-pinning', severity: nominalSeverity('digest-pinning'), message: `"${image.text}" is not pinned to a digest; pin it (name:tag@sha256:...) for reproducible installs`, start: image.start, end: image.end }));
  }
  return findings;
}
