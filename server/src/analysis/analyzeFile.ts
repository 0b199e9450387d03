/** One file, start to finish: find images, run the local and remote rules, apply levels and disable comments. */
import { findImages } from '../manifests/findImages';
import { resolveHelmTemplateImages } from '../manifests/helmTemplates';
import { localFindings } from '../rules/localRules';
import { remoteFindings } from '../rules/pullRules';
import { isRegistriesFile, registriesFileFindings } from '../rules/registriesFileRule';
import { finalizeFindings } from '../rules/severity';
import type { AnalysisEnvironment, Finding, ImageScan } from './types';

export { effectiveSeverity, finalizeFindings } from '../rules/severity';

/**
 * The images of one file with everything the file's surroundings decide filled in (a chart template's
 * `.Values` look-ups from the chart's values.yaml), and the file's YAML syntax errors.
 */
export async function scanFile(file: { text: string; path: string }, env: Pick<AnalysisEnvironment, 'readFile' | 'readFileSync' | 'config'>): Promise<ImageScan> {
  const found = findImages(file.text, file.path, { proxyDomains: env.config.customDomains.proxy });
  return { images: await resolveHelmTemplateImages(found.images, file.path, env), syntaxErrors: found.syntaxErrors };
}

export async function analyzeFile(file: { text: string; path: string }, env: AnalysisEnvironment, signal?: AbortSignal): Promise<Finding[]> {
  if (isRegistriesFile(file.path)) return finalizeFindings(file.text, registriesFileFindings(file.text, file.path), env);
  const scan = await scanFile(file, env);
  const local = localFindings(file.text, scan, env);
  // Offline the remote rules find nothing by definition (no check, no credential warning): skip their
  // per-image promises, which on a 5,000-document manifest cost more than the rules themselves.
  const remote = env.offline ? [] : await remoteFindings(scan.images, env, signal);
  return finalizeFindings(file.text, [...local, ...remote], env);
}
