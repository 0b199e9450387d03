/**
 * The language server's only door into the analysis engine. Each call is fenced: an engine bug on some
 * odd input costs that file its findings (and one log line), never the server. No rule lives here.
 */
import { customerFindingsFor, finalizeFindings } from '../analysis/analyzeFile';
import { localFindings, registriesFileFindings, registryNamesOf, remoteFindings, resolveImages } from '../analysis/index';
import type { AnalysisEnvironment, DocumentRange, Finding, FoundImage, ImageScan } from '../findings/types';
import type { ReleaseEnvironment } from '../release/release';
import { silentLogger, type Logger } from '../log/logger';
import { findImagesInDocument, memoryBudgetError, oversizedTextError, splitDocuments, timeBudgetError, type FileReading } from '../manifests/findImages';
import { INPUT_LIMITS } from '../limits/inputLimits';
import { registriesFileLimitFinding } from '../rules/registriesFileRule';
import { limitFinding } from '../rules/syntaxRule';

export { needsResolution } from '../analysis/analyzeFile';

let engineLogger: Logger = silentLogger;

/** Where engine failures are reported (the connection's console). */
export function setEngineLogger(logger: Logger): void {
  engineLogger = logger;
}

function report(what: string, filePath: string, err: unknown): void {
  engineLogger.error(`${what} failed on ${filePath}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
}

export function splitDocumentsSafe(text: string): DocumentRange[] {
  try {
    return splitDocuments(text);
  } catch (err) {
    report('splitting documents', '(text)', err);
    return [{ start: 0, end: text.length }];
  }
}

/** The registry names of a configuration, made once per configuration (not once per document). */
const registryNamesByConfig = new WeakMap<AnalysisEnvironment['config'], ReadonlyMap<string, string>>();

/**
 * `file`, when the caller reads a file document by document: the file's role (fileRoleOf), asked once,
 * and the image texts read so far in this file under this configuration (shared references).
 */
export function findImagesInDocumentSafe(text: string, range: DocumentRange, filePath: string, env: Pick<AnalysisEnvironment, 'config'>, file?: FileReading): ImageScan {
  try {
    let registryNames = registryNamesByConfig.get(env.config);
    if (!registryNames) registryNamesByConfig.set(env.config, (registryNames = registryNamesOf(env)));
    return findImagesInDocument(text, range, filePath, { proxyDomains: env.config.customDomains.proxy, registryNames, ...file });
  } catch (err) {
    report('finding images', filePath, err);
    return { images: [], syntaxErrors: [] };
  }
}

/** The one finding of a text too large to analyse (levels applied). */
export function limitFindingFor(text: string, filePath: string, env: AnalysisEnvironment): Finding[] {
  return finalizeFor(text, (oversizedTextError(text) ?? []).map((error) => limitFinding(text, error)), filePath, env);
}

/** The finding of the first document skipped because the file's time budget was spent (`text` starts at that document). */
export function timeBudgetFindingFor(text: string, filePath: string, env: AnalysisEnvironment): Finding[] {
  return finalizeFor(text, [limitFinding(text, timeBudgetError(text, 0))], filePath, env);
}

/** The finding of the first document skipped because reading it needed more memory than the analysis worker's budget. */
export function memoryBudgetFindingFor(text: string, filePath: string, env: AnalysisEnvironment): Finding[] {
  return finalizeFor(text, [limitFinding(text, memoryBudgetError(text, 0, INPUT_LIMITS.analysisWorkerMemoryMb))], filePath, env);
}

/**
 * Resolves what the file's surroundings decide (resolveImages): chart templates and values through the
 * release, HelmCharts and KOTS templates, Compose `${VAR}` from .env. `text` is the whole file.
 */
export async function resolveImagesSafe(images: FoundImage[], filePath: string, text: string, env: ReleaseEnvironment): Promise<FoundImage[]> {
  try {
    return await resolveImages(images, { path: filePath, text }, env);
  } catch (err) {
    report('resolving images from the release, values.yaml or .env', filePath, err);
    return images;
  }
}

/** The customer-pull findings anchored in this file, levels and disable comments applied. */
export async function customerFindingsSafe(filePath: string, text: string, env: ReleaseEnvironment): Promise<Finding[]> {
  try {
    return finalizeFindings(text, await customerFindingsFor({ path: filePath, text }, env), env);
  } catch (err) {
    report("checking the customer's pull", filePath, err);
    return [];
  }
}

/** A document without findings: one shared empty list (a document's results are never changed once made). */
const NO_FINDINGS: Finding[] = [];

/**
 * Local (synchronous, no network) findings with levels and disable comments applied, in a list of
 * exactly their number. The language server keeps every document's list for as long as the file is
 * open, and a list grown by `push` has room for about 17 entries: on the benchmark manifest (5,000
 * documents, 1–3 findings each) that room was 0.4 of the 8.1 MB its analysis keeps, and whatever the open
 * keeps is copied by the young-generation collector before it is promoted — the open's largest cost
 * after the analysis itself (a synthetic test on the 2-core VM: 15–18 ms of collection per MB held, under
 * 0.1 ms per collection of garbage alone).
 */
export function localFindingsFor(text: string, scan: ImageScan, filePath: string, env: AnalysisEnvironment): Finding[] {
  try {
    const findings = finalizeFindings(text, localFindings(text, scan, env), env);
    return findings.length === 0 ? NO_FINDINGS : findings.slice();
  } catch (err) {
    report('local rules', filePath, err);
    return [];
  }
}

/** Pull-check findings, raw (finalize them against the text they are shown in). Never rejects. */
export async function remoteFindingsFor(images: FoundImage[], filePath: string, env: AnalysisEnvironment, signal: AbortSignal): Promise<Finding[]> {
  try {
    // The rules themselves know portal registries need no local credentials (rules/pullRules.ts).
    return await remoteFindings(images, env, signal);
  } catch (err) {
    report('pull checks', filePath, err);
    return [];
  }
}

/** Levels and disable comments, against the current text. */
export function finalizeFor(text: string, findings: Finding[], filePath: string, env: AnalysisEnvironment): Finding[] {
  try {
    return finalizeFindings(text, findings, env);
  } catch (err) {
    report('finalizing findings', filePath, err);
    return findings;
  }
}

/** Findings of `.replicated-registries.yaml` itself. */
export function registriesFileFindingsFor(text: string, filePath: string, env: AnalysisEnvironment): Finding[] {
  try {
    return finalizeFindings(text, registriesFileFindings(text, filePath), env);
  } catch (err) {
    report('checking the registries file', filePath, err);
    return [];
  }
}

/** The one finding of a registries file too large to read (undefined when it is readable). */
export function registriesFileLimitFindingFor(filePath: string): Finding | undefined {
  try {
    return registriesFileLimitFinding(filePath);
  } catch (err) {
    report('checking the registries file size', filePath, err);
    return undefined;
  }
}
