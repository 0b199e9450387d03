/**
 * What makes two findings "the same problem", so a file with thousands of them can say it once per
 * cause instead of once per place (the language server marks the first few, `lint`'s text output groups
 * them): a registry that is not connected is one problem however many references point at it, and so is a
 * registry without credentials on this machine; otherwise two findings are the same problem when they say
 * the same thing (cSpell's `maxDuplicateProblems` counts the same way: the same word, flagged again).
 */
import type { Finding } from './types';

export function causeOf(finding: Pick<Finding, 'code' | 'message' | 'data'>): string {
  if (finding.code === 'registry-not-connected' && finding.data?.domain) return `${finding.code}\u0000${finding.data.domain}`;
  if (finding.code === 'credentials-missing' && finding.data?.registrySlug) return `${finding.code}\u0000${finding.data.registrySlug}`;
  return `${finding.code}\u0000${finding.message}`;
}
