/** The synchronous rules (no credentials, no network): cheap enough to run on every keystroke. */
import type { AnalysisEnvironment, Finding, FoundImage, ImageScan, RuleCode } from '../findings/types';
import { doubleProxyFinding } from './doubleProxyRule';
import { kotsLiteralFinding } from './kotsLiteralRule';
import { proxyPathFinding } from './proxyPathRules';
import { effectiveSeverity, nominalSeverity } from './severity';
import { referenceFindingsInto } from './referenceRules';
import { offlineRegistryFindingsInto } from './registryRules';
import { yamlSyntaxFindings } from './syntaxRule';
import { tagFindingsInto } from './tagRules';

/**
 * Raw findings at each rule's nominal severity; `finalizeFindings` (or `analyzeFile`) applies the
 * configured levels and the disable comments. The per-image rules append to one list: an image with
 * nothing to say (most of them) makes no array.
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
  const notConnected = enabled('registry-not-connected');
  const proxyPath = enabled('proxy-path-malformed');
  const doubleProxy = enabled('double-proxy-prefix');
  for (const image of scan.images) {
    if (image.unresolvedVariables && enabled('variable-unresolved')) findings.push(...unresolvedVariableFindings(image));
    // A KOTS function written as text is the cause; the reference it breaks is not reported again.
    const literal = kotsLiteralFinding(image);
    if (literal) {
      if (enabled('kots-function-literal')) findings.push(literal);
      continue;
    }
    if (image.templated || image.reportedElsewhere) continue;
    const readOnly = image.evaluation?.readOnlyFrom !== undefined;
    const own: Finding[] = readOnly ? [] : findings;
    referenceFindingsInto(image, env, own);
    if (image.reference) {
      tagFindingsInto(image, enabled, own);
      if (notConnected) offlineRegistryFindingsInto(image, env, own);
      if (proxyPath) {
        const finding = proxyPathFinding(image, env);
        if (finding) own.push(finding);
      }
      if (image.proxy && doubleProxy) {
        const finding = doubleProxyFinding(image, env);
        if (finding) own.push(finding);
      }
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
