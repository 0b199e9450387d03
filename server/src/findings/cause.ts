/**
 * What makes two findings "the same problem", so a file with thousands of them can say it once per
 * cause instead of once per place (the language server marks the first few, `lint`'s text output groups
 * them): a registry that is not connected is one problem however many references point at it, and so is a
 * registry without credentials on this machine; otherwise two findings are the same problem when they say
 * the same thing (cSpell's `maxDuplicateProblems` counts the same way: the same word, flagged again).
 */
import type { Finding, RuleCode } from './types';

export function causeOf(finding: Pick<Finding, 'code' | 'message' | 'data'>): string {
  if (finding.code === 'registry-not-connected' && finding.data?.domain) return `${finding.code}\u0000${finding.data.domain}`;
  if (finding.code === 'credentials-missing' && finding.data?.registrySlug) return `${finding.code}\u0000${finding.data.registrySlug}`;
  return `${finding.code}\u0000${finding.message}`;
}

/**
 * `causeOf`, the same string for the same cause: the language server asks for the cause of every
 * finding of an open file (9,373 on the 4.3 MB benchmark manifest, on 1,044 causes), and each was a new
 * concatenation that its problem lists and tallies then compared and hashed in full. Owned by whoever
 * asks (engine modules keep no state); bounded, since an image typed letter by letter makes a new cause
 * per keystroke.
 */
export class Causes {
  private readonly byDomain = new Map<string, string>();
  private readonly bySlug = new Map<string, string>();
  private readonly byMessage = new Map<RuleCode, Map<string, string>>();
  private made = 0;

  constructor(private readonly max = 16_384) {}

  of(finding: Pick<Finding, 'code' | 'message' | 'data'>): string {
    if (this.made >= this.max) {
      this.byDomain.clear();
      this.bySlug.clear();
      this.byMessage.clear();
      this.made = 0;
    }
    const { code, data } = finding;
    if (code === 'registry-not-connected' && data?.domain) return this.kept(this.byDomain, data.domain, finding);
    if (code === 'credentials-missing' && data?.registrySlug) return this.kept(this.bySlug, data.registrySlug, finding);
    let messages = this.byMessage.get(code);
    if (!messages) this.byMessage.set(code, (messages = new Map<string, string>()));
    return this.kept(messages, finding.message, finding);
  }

  private kept(map: Map<string, string>, key: string, finding: Pick<Finding, 'code' | 'message' | 'data'>): string {
    let cause = map.get(key);
    if (cause === undefined) {
      this.made++;
      cause = causeOf(finding);
      map.set(key, cause);
    }
    return cause;
  }
}
