/** Severity levels: defaults from the rule catalog, re-levelled by the registries file and then by settings. */
import { SEVERITIES, type AnalysisEnvironment, type Finding, type RuleCode, type Severity } from '../findings/types';
import { RULES } from './catalog';
import { DISABLE_NEXT_LINE, suppressedCodesAt } from './suppression';

/** The severity a rule reports at when it is on (`digest-pinning` is off by default but a hint when enabled). */
export function nominalSeverity(code: RuleCode): Severity {
  const level = RULES[code].defaultSeverity;
  return level === 'off' ? 'hint' : level;
}

function isLevel(value: unknown): value is Severity | 'off' {
  return value === 'off' || (typeof value === 'string' && (SEVERITIES as readonly string[]).includes(value));
}

/** The configured level of a rule: settings win over `rules:` in the registries file, which wins over the default. */
export function effectiveSeverity(code: RuleCode, env: Pick<AnalysisEnvironment, 'config' | 'severityOverrides'>): Severity | 'off' {
  const fromSettings = env.severityOverrides?.[code];
  if (isLevel(fromSettings)) return fromSettings;
  const fromFile = env.config.rules?.[code];
  if (isLevel(fromFile)) return fromFile;
  return RULES[code].defaultSeverity;
}

/** error > warning > info > hint. */
const RANK: Record<Severity, number> = { error: 3, warning: 2, info: 1, hint: 0 };

/**
 * Applies levels and disable comments. A finding a rule deliberately lowered (an `info` saying a check
 * could not run) keeps its lower level unless the rule is turned off or re-levelled below it: a
 * re-levelling never makes such a finding louder, but always can make it quieter.
 */
export function finalizeFindings(text: string, findings: Finding[], env: Pick<AnalysisEnvironment, 'config' | 'severityOverrides'>): Finding[] {
  const out: Finding[] = [];
  // A text without a disable comment (almost every one) needs no look at the line above each finding:
  // one search of the text instead of a slice and a search per finding.
  const mayDisable = findings.length > 0 && text.includes(DISABLE_NEXT_LINE);
  // Levels asked once per rule, not once per finding (the 4.3 MB benchmark manifest's 9,373 findings have 2 rules).
  const levels = new Map<RuleCode, Severity | 'off'>();
  for (const finding of findings) {
    let level = levels.get(finding.code);
    if (level === undefined) {
      level = effectiveSeverity(finding.code, env);
      levels.set(finding.code, level);
    }
    if (level === 'off') continue;
    if (mayDisable) {
      const suppressed = suppressedCodesAt(text, finding.start);
      if (suppressed === 'all' || suppressed?.has(finding.code)) continue;
    }
    const lowered = finding.severity !== nominalSeverity(finding.code);
    const severity = !lowered || RANK[level] < RANK[finding.severity] ? level : finding.severity;
    out.push(severity === finding.severity ? finding : { ...finding, severity });
  }
  // The rules mostly add findings in place order already: a check, not a sort (V8's sort copies the array
  // it sorts; on the 5,000-document benchmark manifest the sorts were 1.45 MB of the open's allocation).
  for (let i = 1; i < out.length; i++) if (byPlace(out[i - 1] as Finding, out[i] as Finding) > 0) return out.sort(byPlace);
  return out;
}

/**
 * Findings in place order, then by code. Codes compare as strings: rule codes (lowercase words and
 * hyphens) sort the same as with localeCompare (test/unit/lint.test.ts), and localeCompare's first call
 * creates an ICU collator, 9 ms of a cold start.
 */
function byPlace(a: Finding, b: Finding): number {
  return a.start - b.start || a.end - b.end || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0);
}
