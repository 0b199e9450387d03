/**
 * Local analysis of one file with a per-document cache: a multi-document file is split into documents,
 * and only documents an edit touched are read again; the others reuse their images and findings,
 * shifted to where the document now starts. With an edit hint (which part of the text changed since
 * the last run, from the incremental didChange events) not even the split is redone outside the edited
 * region. This is what keeps edit-to-diagnostics fast on 5,000-document manifests.
 */
import type { AnalysisEnvironment, DocumentRange, Finding, FoundImage, RelatedLocation, YamlSyntaxError } from '../analysis/types';
import { INPUT_LIMITS } from '../limits/inputLimits';
import { ChunkedTextDocument } from './chunkedTextDocument';
import { dependsOnRelease } from '../release/fileImages';
import { customerFindingsSafe, findImagesInDocumentSafe, limitFindingFor, localFindingsFor, needsResolution, resolveImagesSafe, splitDocumentsSafe, timeBudgetFindingFor } from './engine';

/**
 * A file's text: a string (files read from disk), or an open document's chunked text, which the
 * analysis reads region by region so that an edit never joins the whole 3 MB text.
 */
export type AnalyzedText = string | ChunkedTextDocument;

function lengthOf(text: AnalyzedText): number {
  return text.length;
}

function sliceOf(text: AnalyzedText, start: number, end: number): string {
  return text.slice(start, end);
}

function fullTextOf(text: AnalyzedText): string {
  return typeof text === 'string' ? text : text.getText();
}

export interface FileAnalysis {
  /** Every image, in file offsets (computed on first access: typing rarely needs them). */
  readonly images: FoundImage[];
  /** Local findings (no network), levels and disable comments applied, in file order. */
  readonly findings: Finding[];
}

/** What changed since the text the cache last analyzed: everything outside [prefix, length - suffix) is unchanged. */
export interface EditHint {
  /** Length of the unchanged start. */
  prefix: number;
  /** Length of the unchanged end. */
  suffix: number;
  /** New length minus old length. */
  delta: number;
}

interface DocumentResult {
  /** Offsets relative to the document's start. */
  images: FoundImage[];
  /** Kept only while `findings` is undefined (the rules run on every pass then); offsets relative to the document's start. */
  syntaxErrors: YamlSyntaxError[];
  /** Undefined when the document's images depend on other files (the release, .env): they are resolved on every run. */
  findings: Finding[] | undefined;
  /** Not read: the file's analysis time budget was spent before it (never cached). */
  skipped?: true;
}

/** The per-file time budget of one `analyze` call (INPUT_LIMITS.analysisTimeMs): documents after it are skipped, the first with a finding. */
interface Budget {
  deadline: number;
  spent: boolean;
}

interface CachedDocument {
  start: number;
  end: number;
  result: DocumentResult;
}

interface FileCache {
  /** Configuration generation the results were computed under. */
  generation: string;
  /** The text analyzed (the same string or document version the caller holds, so no extra memory). */
  text: AnalyzedText;
  documents: CachedDocument[];
}

function shiftRelated(related: RelatedLocation[] | undefined, filePath: string, delta: number): RelatedLocation[] | undefined {
  if (!related) return undefined;
  return related.map((r) => (r.file === filePath ? { ...r, start: r.start + delta, end: r.end + delta } : r));
}

export function shiftImage(image: FoundImage, filePath: string, delta: number): FoundImage {
  if (delta === 0) return image;
  const shifted: FoundImage = { ...image, start: image.start + delta, end: image.end + delta };
  if (image.parts) shifted.parts = image.parts.map((p) => (p.file === undefined || p.file === filePath ? { ...p, start: p.start + delta, end: p.end + delta } : p));
  const related = shiftRelated(image.related, filePath, delta);
  if (related) shifted.related = related;
  return shifted;
}

export function shiftFinding(finding: Finding, filePath: string, delta: number): Finding {
  if (delta === 0) return finding;
  const shifted: Finding = { ...finding, start: finding.start + delta, end: finding.end + delta };
  const related = shiftRelated(finding.related, filePath, delta);
  if (related) shifted.related = related;
  return shifted;
}

/** Index of the cached document containing `offset` (documents cover the text contiguously). */
function documentIndexAt(documents: CachedDocument[], offset: number): number {
  let low = 0;
  let high = documents.length - 1;
  while (low < high) {
    const middle = (low + high + 1) >> 1;
    if ((documents[middle] as CachedDocument).start <= offset) low = middle;
    else high = middle - 1;
  }
  return low;
}

const NO_ERRORS: YamlSyntaxError[] = [];

export class LocalAnalysisCache {
  private readonly files = new Map<string, FileCache>();

  /**
   * Images and local findings of `text`. `generation` identifies the configuration and settings in
   * effect (a different one discards the cache for this file); `hint` says what changed since the
   * previous call for this key, when known.
   */
  async analyze(key: string, text: AnalyzedText, filePath: string, env: AnalysisEnvironment, generation: string, hint?: EditHint): Promise<FileAnalysis> {
    if (lengthOf(text) > INPUT_LIMITS.analyzedFileBytes) {
      // Too large to read at all: one finding, and nothing kept.
      this.files.delete(key);
      return { findings: limitFindingFor(fullTextOf(text), filePath, env), images: [] };
    }
    const previous = this.files.get(key);
    const reusable = previous && previous.generation === generation ? previous : undefined;
    const budget: Budget = { deadline: Date.now() + INPUT_LIMITS.analysisTimeMs, spent: false };
    let documents: CachedDocument[];
    if (reusable && !hint && reusable.text === text) documents = reusable.documents;
    else if (reusable && hint && this.hintFits(reusable, text, hint)) documents = this.splitWithHint(reusable, text, filePath, env, hint, budget);
    else documents = this.splitFully(reusable, text, filePath, env, budget);
    // A file whose budget ran out is read afresh next time, not pieced together from skipped documents.
    if (budget.spent) this.files.delete(key);
    else this.files.set(key, { generation, text, documents });

    const findings: Finding[] = [];
    let pendingImages: FoundImage[] | undefined;
    const pendingErrors: YamlSyntaxError[] = [];
    for (const document of documents) {
      if (document.result.findings) {
        for (const finding of document.result.findings) findings.push(shiftFinding(finding, filePath, document.start));
      } else {
        for (const image of document.result.images) (pendingImages ??= []).push(shiftImage(image, filePath, document.start));
        for (const error of document.result.syntaxErrors) pendingErrors.push({ ...error, start: error.start + document.start, end: error.end + document.start });
      }
    }
    let resolvedImages: FoundImage[] = [];
    if (documents.some((document) => !document.result.findings)) {
      const fullText = fullTextOf(text);
      // Even with no image of its own: a HelmChart reports what its chart renders.
      resolvedImages = await resolveImagesSafe(pendingImages ?? [], filePath, fullText, env);
      findings.push(...localFindingsFor(fullText, { images: resolvedImages, syntaxErrors: pendingErrors }, filePath, env));
      findings.push(...(await customerFindingsSafe(filePath, fullText, env)));
      findings.sort((a, b) => a.start - b.start || a.end - b.end);
    }
    let images: FoundImage[] | undefined;
    return {
      findings,
      get images(): FoundImage[] {
        if (!images) {
          images = [];
          for (const document of documents) {
            if (!document.result.findings) continue;
            for (const image of document.result.images) images.push(shiftImage(image, filePath, document.start));
          }
          if (resolvedImages.length > 0) images = [...images, ...resolvedImages].sort((a, b) => a.start - b.start);
        }
        return images;
      },
    };
  }

  forget(key: string): void {
    this.files.delete(key);
  }

  /** Whether the last analysis of `key` had images that depend on the release (undefined: never analysed). */
  dependsOnRelease(key: string): boolean | undefined {
    const cached = this.files.get(key);
    return cached ? cached.documents.some((document) => !document.result.findings) : undefined;
  }

  clear(): void {
    this.files.clear();
  }

  private hintFits(previous: FileCache, text: AnalyzedText, hint: EditHint): boolean {
    const previousLength = lengthOf(previous.text);
    return (
      previous.documents.length > 0 &&
      previousLength + hint.delta === lengthOf(text) &&
      hint.prefix >= 0 &&
      hint.suffix >= 0 &&
      hint.prefix + hint.suffix <= Math.min(previousLength, lengthOf(text))
    );
  }

  /** Re-splits and re-reads only the documents around the edited region. */
  private splitWithHint(previous: FileCache, text: AnalyzedText, filePath: string, env: AnalysisEnvironment, hint: EditHint, budget: Budget): CachedDocument[] {
    const old = previous.documents;
    // The document before the edit too: an edit at a document's first character may create or remove its `---`.
    const first = documentIndexAt(old, Math.max(0, hint.prefix - 1));
    // The document holding the first unchanged character after the edit: its marker line may have changed.
    const oldLength = lengthOf(previous.text);
    const last = documentIndexAt(old, Math.min(oldLength - 1, oldLength - hint.suffix));
    const regionStart = (old[first] as CachedDocument).start;
    const regionEnd = (old[last] as CachedDocument).end + hint.delta;
    const regionText = sliceOf(text, regionStart, regionEnd);
    const middle: CachedDocument[] = splitDocumentsSafe(regionText).map((range) => {
      const absolute = { start: range.start + regionStart, end: range.end + regionStart };
      return { ...absolute, result: this.analyzeDocument(text, absolute, filePath, env, budget) };
    });
    const after = old.slice(last + 1).map((d) => (hint.delta === 0 ? d : { start: d.start + hint.delta, end: d.end + hint.delta, result: d.result }));
    return [...old.slice(0, first), ...middle, ...after];
  }

  /** Splits the whole text; documents whose text is unchanged reuse their results. */
  private splitFully(previous: FileCache | undefined, source: AnalyzedText, filePath: string, env: AnalysisEnvironment, budget: Budget): CachedDocument[] {
    const byText = new Map<string, DocumentResult>();
    if (previous) {
      const previousText = fullTextOf(previous.text);
      for (const d of previous.documents) byText.set(previousText.slice(d.start, d.end), d.result);
    }
    const text = fullTextOf(source);
    const documents = splitDocumentsSafe(text).map((range) => {
      const documentText = text.slice(range.start, range.end);
      let result = byText.get(documentText);
      if (!result) {
        result = this.analyzeDocument(text, range, filePath, env, budget);
        if (!result.skipped) byText.set(documentText, result);
      }
      return { start: range.start, end: range.end, result };
    });
    return documents;
  }

  private analyzeDocument(text: AnalyzedText, range: DocumentRange, filePath: string, env: AnalysisEnvironment, budget: Budget): DocumentResult {
    if (budget.spent || Date.now() > budget.deadline) {
      // The first skipped document says so; the others stay silent.
      const findings = budget.spent ? [] : timeBudgetFindingFor(sliceOf(text, range.start, Math.min(range.end, range.start + 400)), filePath, env);
      budget.spent = true;
      return { images: [], syntaxErrors: NO_ERRORS, findings, skipped: true };
    }
    // Analyze a private copy of the document: strings the results keep (image text, references) would
    // otherwise be slices of this version's whole text and keep every edited version of a 3 MB file alive.
    const copy = sliceOf(text, range.start, range.end).split('\n').join('\n');
    const scan = findImagesInDocumentSafe(copy, { start: 0, end: copy.length }, filePath, env);
    // Chart templates and values, HelmCharts, KOTS templates (the release) and Compose `${VAR}` (.env) depend on other files.
    if (dependsOnRelease(filePath, copy) || scan.images.some(needsResolution)) return { images: scan.images, syntaxErrors: scan.syntaxErrors, findings: undefined };
    return { images: scan.images, syntaxErrors: NO_ERRORS, findings: localFindingsFor(copy, scan, filePath, env) };
  }
}
