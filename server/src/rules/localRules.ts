/** The synchronous rules (no credentials, no network): cheap enough to run on every keystroke. */
import type { AnalysisEnvironment, Finding, FoundImage, ImageScan, RuleCode } from '../findings/types';
import { effectiveSeverity, nominalSeverity } from './severity';
import { referenceFindings } from './referenceRules';
import { offlineRegistryFindings } from './registryRules';
import { yamlSyntaxFindings } from './syntaxRule';
import { tagFindings } from './tagRules';

/**
 * Raw findings at each rule's nominal severity; `finalizeFindings` (or `analyzeFile`) applies the
 * configured levels and the disable comments.
 */
export function localFindings(text: string, scan: ImageScan, env: AnalysisEnvironment): Finding[] {
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
  if (enabled('yaml-syntax') || enabled('analysis-limit')) findings.push(...yamlSyntaxFindings(text, scan.syntaxErrors, enabled));
  for (const image of scan.images) {
    if (image.unresolvedVariables && enabled('variable-unresolved')) findings.push(...unresolvedVariableFindings(image));
    if (image.templated) continue;
    findings.push(...referenceFindings(image, env));
    if (!image.reference) continue;
    findings.push(...tagFindings(image, enabled));
    if (enabled('registry-not-connected')) findings.push(...offlineRegistryFindings(image, env));
  }
  return findings;
}

/** `variable-unresolved`: one finding per variable an image still lacks, on the `${...}` itself. */
function unresolvedVariableFindings(image: FoundImage): Finding[] {
  return (image.unresolvedVariables ?? []).map((variable) => ({
    code: 'variable-unresolved',
    severity: nominalSeverity('variable-unresolved'),
    message: `the image cannot be checked: ${variable.message}`,
    start: variable.start,
    end: variable.end,
    reference: image.text,
  }));
}
