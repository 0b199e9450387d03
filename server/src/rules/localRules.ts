/** The synchronous rules (no credentials, no network): cheap enough to run on every keystroke. */
import type { AnalysisEnvironment, Finding, FoundImage, ImageScan, RuleCode } from '../findings/types';
import { doubleProxyFindings } from './doubleProxyRule';
import { kotsLiteralFindings } from './kotsLiteralRule';
import { proxyPathFindings } from './proxyPathRules';
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
    // A KOTS function written as text is the cause; the reference it breaks is not reported again.
    const literal = kotsLiteralFindings(image);
    if (literal.length > 0) {
      if (enabled('kots-function-literal')) findings.push(...literal);
      continue;
    }
    if (image.templated || image.reportedElsewhere) continue;
    const readOnly = image.evaluation?.readOnlyFrom !== undefined;
    const own = readOnly ? [] : findings;
    own.push(...referenceFindings(image, env));
    if (image.reference) {
      own.push(...tagFindings(image, enabled));
      if (enabled('registry-not-connected')) own.push(...offlineRegistryFindings(image, env));
      if (enabled('proxy-path-malformed')) own.push(...proxyPathFindings(image, env));
      if (image.proxy && enabled('double-proxy-prefix')) own.push(...doubleProxyFindings(image, env));
    }
    if (readOnly) for (const finding of annotateReadOnly(image, own)) findings.push(finding);
  }
  return findings;
}

/**
 * An image of a packaged chart is reported on the HelmChart that names the archive: its findings say
 * where in the archive the image really is (nothing there can be edited in place).
 */
export function annotateReadOnly(image: FoundImage, findings: Finding[]): Finding[] {
  const where = image.evaluation?.readOnlyFrom;
  if (!where) return findings;
  return findings.map((finding) => ({ ...finding, message: `in ${where}: ${finding.message}` }));
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
