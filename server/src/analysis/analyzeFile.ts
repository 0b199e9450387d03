/** One file, start to finish: find images, run the local and remote rules, apply levels and disable comments. */
import { findImages } from '../manifests/findImages';
import { needsInterpolation, resolveComposeImages } from '../manifests/composeInterpolation';
import { resolveHelmTemplateImages } from '../manifests/helmTemplates';
import { localFindings } from '../rules/localRules';
import { remoteFindings } from '../rules/pullRules';
import { isRegistriesFile, registriesFileFindings } from '../rules/registriesFileRule';
import { finalizeFindings } from '../rules/severity';
import type { AnalysisEnvironment, Finding, FoundImage, ImageScan } from '../findings/types';

export { effectiveSeverity, finalizeFindings } from '../rules/severity';

type ResolutionEnvironment = Pick<AnalysisEnvironment, 'readFile' | 'readFileSync' | 'config'>;

/** Whether an image's text depends on another file (values.yaml, .env), so it is resolved on every analysis. */
export function needsResolution(image: FoundImage): boolean {
  return image.helmTemplate !== undefined || needsInterpolation(image);
}

/**
 * Fills in what the file's surroundings decide: a chart template's `.Values` look-ups from the chart's
 * values.yaml, a Compose image's `${VAR}` from the `.env` beside it. Everything else is returned as is.
 */
export async function resolveImages(images: FoundImage[], filePath: string, env: ResolutionEnvironment): Promise<FoundImage[]> {
  return resolveComposeImages(await resolveHelmTemplateImages(images, filePath, env), filePath, env);
}

/** The images of one file, resolved (resolveImages), and the file's YAML syntax errors. */
export async function scanFile(file: { text: string; path: string }, env: ResolutionEnvironment): Promise<ImageScan> {
  const found = findImages(file.text, file.path, { proxyDomains: env.config.customDomains.proxy });
  return { images: await resolveImages(found.images, file.path, env), syntaxErrors: found.syntaxErrors };
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
