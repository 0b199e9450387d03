/** One file, start to finish: find images, run the local and remote rules, apply levels and disable comments. */
import { findImages } from '../manifests/findImages';
import { needsInterpolation, resolveComposeImages } from '../manifests/composeInterpolation';
import { dependsOnRelease, imagesInRelease, registryNamesOf } from '../release/fileImages';
import { customerFindingsIn } from '../rules/customerRules';
import { localFindings } from '../rules/localRules';
import { remoteFindings } from '../rules/pullRules';
import { isRegistriesFile, registriesFileFindings } from '../rules/registriesFileRule';
import { finalizeFindings } from '../rules/severity';
import type { Finding, FoundImage, ImageScan } from '../findings/types';
import type { ReleaseEnvironment } from '../release/release';

export { effectiveSeverity, finalizeFindings } from '../rules/severity';

type ResolutionEnvironment = Pick<ReleaseEnvironment, 'readFile' | 'readFileSync' | 'config' | 'release' | 'reportEngineError'>;

/**
 * Whether an image's text depends on another file, so it is resolved on every analysis: a Compose
 * `${VAR}` (.env). A whole document depends on the release when `dependsOnRelease` says so.
 */
export function needsResolution(image: FoundImage): boolean {
  return needsInterpolation(image);
}

/**
 * Fills in what the file's surroundings decide: chart templates and values evaluated with the chart
 * (and a HelmChart's images, KOTS `repl{{ }}` templates) through the release, a Compose image's `${VAR}`
 * from the `.env` beside it. Everything else is returned as is.
 */
export async function resolveImages(images: FoundImage[], file: { text: string; path: string }, env: ResolutionEnvironment): Promise<FoundImage[]> {
  return resolveComposeImages(await evaluatedImages(file, images, env), file.path, env);
}

/** The images of one file, resolved (resolveImages), and the file's YAML syntax errors. */
export async function scanFile(file: { text: string; path: string }, env: ResolutionEnvironment): Promise<ImageScan> {
  return scanOf(file, env, dependsOnRelease(file.path, file.text));
}

/**
 * scanFile, told whether the file depends on the release. Most files depend on nothing around them (no
 * chart, HelmChart or KOTS template; no Compose `${VAR}`): their images are used as found, with no promise
 * per step (resolveImages' awaits were about 8% of lint's cold analysis of the 1,000-file benchmark
 * workspace: in-process, 5 runs, 117–122 ms against 105–112 ms without them; issue 12).
 */
function scanOf(file: { text: string; path: string }, env: ResolutionEnvironment, release: boolean): ImageScan | Promise<ImageScan> {
  const found = findImages(file.text, file.path, { proxyDomains: env.config.customDomains.proxy, registryNames: registryNamesOf(env) });
  if (!release && !found.images.some(needsInterpolation)) return found;
  return resolveImages(found.images, file, env).then((images) => ({ images, syntaxErrors: found.syntaxErrors }));
}

/** The customer-pull findings of a file (only files the release's charts and HelmCharts touch have any). */
export async function customerFindingsFor(file: { text: string; path: string }, env: ReleaseEnvironment): Promise<Finding[]> {
  return dependsOnRelease(file.path, file.text) ? releaseCustomerFindings(file, env) : [];
}

/** customerFindingsFor of a file that depends on the release. */
async function releaseCustomerFindings(file: { text: string; path: string }, env: ReleaseEnvironment): Promise<Finding[]> {
  if (!env.release) return [];
  try {
    const release = await env.release();
    return release ? customerFindingsIn(file.path, release, env) : [];
  } catch (error) {
    env.reportEngineError?.("checking the customer's pull", file.path, error);
    return [];
  }
}

/** The file's images with the release evaluated; on an evaluator failure, the images as found. */
async function evaluatedImages(file: { text: string; path: string }, found: FoundImage[], env: ResolutionEnvironment): Promise<FoundImage[]> {
  try {
    return await imagesInRelease(file, found, env);
  } catch (error) {
    env.reportEngineError?.('evaluating chart and KOTS templates', file.path, error);
    return found;
  }
}

export async function analyzeFile(file: { text: string; path: string }, env: ReleaseEnvironment, signal?: AbortSignal): Promise<Finding[]> {
  if (isRegistriesFile(file.path)) return finalizeFindings(file.text, registriesFileFindings(file.text, file.path), env);
  // Asked once: it decides both the images' resolution and the customer-pull findings.
  const release = dependsOnRelease(file.path, file.text);
  const scanned = scanOf(file, env, release);
  const scan = scanned instanceof Promise ? await scanned : scanned;
  const local = localFindings(file.text, scan, env);
  const customer = release ? await releaseCustomerFindings(file, env) : [];
  // Offline the remote rules find nothing by definition (no check, no credential warning): skip their
  // per-image promises, which on a 5,000-document manifest cost more than the rules themselves.
  const remote = env.offline ? [] : await remoteFindings(scan.images, env, signal);
  return finalizeFindings(file.text, [...local, ...customer, ...remote], env);
}
