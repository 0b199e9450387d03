/**
 * What makes two findings "the same problem", so a file with thousands of them can say it once per
 * cause instead of once per place (the language server marks the first few, `lint`'s text output groups
 * them): a registry that is not connected is one problem however many references point at it, and so is a
 * registry without credentials on this machine; otherwise two findings are the same problem when they say
 * the same thing (cSpell's `maxDuplicateProblems` counts the same way: the same word, flagged again).
 */
import type { Finding, RuleCode } from './types';

/** What tells two findings of one rule apart as problems: the part of the cause after the rule's code. */
function causeKey(finding: Pick<Finding, 'code' | 'message' | 'data'>): string {
  if (finding.code === 'registry-not-connected' && finding.data?.domain) return finding.data.domain;
  if (finding.code === 'credentials-missing' && finding.data?.registrySlug) return finding.data.registrySlug;
  return finding.message;
}

export function causeOf(finding: Pick<Finding, 'code' | 'message' | 'data'>): string {
  return `${finding.code}\u0000${causeKey(finding)}`;
}

/**
 * `causeOf`, the same string for the same cause: the language server asks for the cause of every
 * finding of an open file (9,373 on the 4.3 MB benchmark manifest, on 1,044 causes), and each was a new
 * concatenation that its problem lists and tallies then compared and hashed in full. Owned by whoever
 * asks (engine modules keep no state); bounded, since an image typed letter by letter makes a new cause
 * per keystroke.
 */
export class Causes {
  private readonly byCode = new Map<RuleCode, Map<string, string>>();
  private made = 0;

  constructor(private readonly max = 16_384) {}

  of(finding: Pick<Finding, 'code' | 'message' | 'data'>): string {
    if (this.made >= this.max) {
      this.byCode.clear();
      this.made = 0;
    }
    const key = causeKey(finding);
    let causes = this.byCode.get(finding.code);
    if (!causes) this.byCode.set(finding.code, (causes = new Map<string, string>()));
    let cause = causes.get(key);
    if (cause === undefined) {
      this.made++;
      cause = `${finding.code}\u0000${key}`;
      causes.set(key, cause);
    }
    return cause;
  }
}
