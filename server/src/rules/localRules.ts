/** The synchronous rules (no credentials, no network): cheap enough to run on every keystroke. */
import type { AnalysisEnvironment, Finding, FoundImage, RuleCode } from '../analysis/types';
import { effectiveSeverity } from './severity';
import { referenceFindings } from './referenceRules';
import { offlineRegistryFindings } from './registryRules';
import { yamlSyntaxFindings } from './syntaxRule';
import { tagFindings } from './tagRules';

/**
 * Raw findings at each rule's nominal severity; `finalizeFindings` (or `analyzeFile`) applies the
 * configured levels and the disable comments.
 */
export function localFindings(file: { text: string; path: string }, images: FoundImage[], env: AnalysisEnvironment): Finding[] {
  const findings: Finding[] = [];
  const levels = new Map<RuleCode, boolean>();
  const enabled = (code: RuleCode): boolean => {
    let on = levels.get(code);
    if (on === undefined) {
      on = effectiveSeverity(code, env) !== 'off';
      levels.set(code, on);
    }
    return on;
  };
  if (enabled('yaml-syntax') || enabled('analysis-limit')) findings.push(...yamlSyntaxFindings(file, enabled));
  for (const image of images) {
    if (image.templated) continue;
    findings.push(...referenceFindings(image, env));
    if (!image.reference) continue;
    findings.push(...tagFindings(image, enabled));
    if (enabled('registry-not-connected')) findings.push(...offlineRegistryFindings(image, env));
  }
  return findings;
}
