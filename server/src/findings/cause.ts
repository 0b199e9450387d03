/**
 * What makes two findings "the same problem", so a file with thousands of them can say it once per
 * cause instead of once per place (the language server marks the first few, `lint`'s text output groups
 * them): a registry that is not connected is one problem however many references point at it, and so is a
 * registry without credentials on this machine; otherwise two findings are the same problem when they say
 * the same thing (cSpell's `maxDuplicateProblems` counts the same way: the same word, flagged again).
 */
import type { Finding, RuleCode } from './types';

/**
 * Causes made so far, so that the same cause is the same string: the language server asks for the cause
 * of every finding of an open file (9,373 on the 4.3 MB benchmark manifest, on 1,044 causes), and each
 * was a new concatenation that its problem lists and tallies then compared and hashed in full. Bounded:
 * an image typed letter by letter makes a new cause per keystroke.
 */
const MAX_CAUSES = 16_384;
const byDomain = new Map<string, string>();
const bySlug = new Map<string, string>();
const byMessage = new Map<RuleCode, Map<string, string>>();
let made = 0;

function kept(map: Map<string, string>, key: string, make: () => string): string {
  let cause = map.get(key);
  if (cause === undefined) {
    made++;
    cause = make();
    map.set(key, cause);
  }
  return cause;
}

export function causeOf(finding: Pick<Finding, 'code' | 'message' | 'data'>): string {
  if (made >= MAX_CAUSES) {
    byDomain.clear();
    bySlug.clear();
    byMessage.clear();
    made = 0;
  }
  const { code, data } = finding;
  if (code === 'registry-not-connected' && data?.domain) return kept(byDomain, data.domain, () => `${code}\u0000${data.domain}`);
  if (code === 'credentials-missing' && data?.registrySlug) return kept(bySlug, data.registrySlug, () => `${code}\u0000${data.registrySlug}`);
  let messages = byMessage.get(code);
  if (!messages) byMessage.set(code, (messages = new Map<string, string>()));
  return kept(messages, finding.message, () => `${code}\u0000${finding.message}`);
}
