/** One file, start to finish: find images, run the local and remote rules, apply levels and disable comments. */
import { findImages } from '../manifests/findImages';
import { dependsOnRelease, imagesInRelease, registryNamesOf } from '../release/fileImages';
import { customerFindingsIn } from '../rules/customerRules';
import { localFindings } from '../rules/localRules';
import { remoteFindings } from '../rules/pullRules';
import { isRegistriesFile, registriesFileFindings } from '../rules/registriesFileRule';
import { finalizeFindings } from '../rules/severity';
import type { AnalysisEnvironment, Finding, FoundImage } from './types';

export { effectiveSeverity, finalizeFindings } from '../rules/severity';

/** The customer-pull findings of a file (only files the release's charts and HelmCharts touch have any). */
export async function customerFindingsFor(file: { text: string; path: string }, env: AnalysisEnvironment): Promise<Finding[]> {
  if (!env.release || !dependsOnRelease(file.path, file.text)) return [];
  try {
    const release = await env.release();
    return release ? customerFindingsIn(file.path, release, env) : [];
  } catch (error) {
    env.reportEngineError?.("checking the customer's pull", file.path, error);
    return [];
  }
}

/** The file's images with the release evaluated; on an evaluator failure, the images as found. */
async function evaluatedImages(file: { text: string; path: string }, found: FoundImage[], env: AnalysisEnvironment): Promise<FoundImage[]> {
  try {
    return await imagesInRelease(file, found, env);
  } catch (error) {
    env.reportEngineError?.('evaluating chart and KOTS templates', file.path, error);
    return found;
  }
}

export async function analyzeFile(file: { text: string; path: string }, env: AnalysisEnvironment, signal?: AbortSignal): Promise<Finding[]> {
  if (isRegistriesFile(file.path)) return finalizeFindings(file.text, registriesFileFindings(file.text, file.path), env);
  const found = findImages(file.text, file.path, { proxyDomains: env.config.customDomains.proxy, registryNames: registryNamesOf(env) });
  const images = await evaluatedImages(file, found, env);
  const local = localFindings(file, images, env);
  const customer = await customerFindingsFor(file, env);
  // Offline the remote rules find nothing by definition (no check, no credential warning): skip their
  // per-image promises, which on a 5,000-document manifest cost more than the rules themselves.
  const remote = env.offline ? [] : await remoteFindings(images, env, signal);
  return finalizeFindings(file.text, [...local, ...customer, ...remote], env);
}
