/**
 * Local analysis of one file with a per-document cache: a multi-document file is split into documents,
 * and only documents an edit touched are read again; the others reuse their images and findings,
 * shifted to where the document now starts. With an edit hint (which part of the text changed since
 * the last run, from the incremental didChange events) not even the split is redone outside the edited
 * region. This is what keeps edit-to-diagnostics fast on 5,000-document manifests.
 *
 * The work is cut into slices (scheduler.ts) between documents, so a big file never holds the server's
 * thread for long; a document too large to read quickly goes to the analysis worker (analysisWorker.ts),
 * which can be stopped. Every file has a time budget (INPUT_LIMITS.analysisTimeMs of work, not of waiting)
 * and every document read in the worker a memory budget: past either, one `analysis-limit` finding says
 * where the analysis stopped.
 *
 * Results are returned per document (`documents`, offsets relative to each document's start) so that the
 * diagnostics can be converted once per unchanged document, and a position is found by binary search.
 */
import type { AnalysisEnvironment, DocumentRange, Finding, FoundImage, RelatedLocation, YamlSyntaxError } from '../findings/types';
import type { ReleaseEnvironment } from '../release/release';
import { INPUT_LIMITS } from '../limits/inputLimits';
import { dependsOnRelease } from '../release/fileImages';
import { fileRoleOf } from '../manifests/shapes';
import type { FileReading } from '../manifests/findImages';
import { endsBefore } from '../manifests/documents';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { ChunkedTextDocument } from './chunkedTextDocument';
import {
  customerFindingsSafe,
  findImagesInDocumentSafe,
  limitFindingFor,
  localFindingsFor,
  memoryBudgetFindingFor,
  needsResolution,
  resolveImagesSafe,
  splitDocumentsSafe,
  timeBudgetFindingFor,
} from './engine';
import { UNSLICED, type Priority, type WorkScheduler } from './scheduler';

/**
 * A file's text: a string (files read from disk), or an open document's chunked text, which the
 * analysis reads region by region so that an edit never joins the whole 3 MB text.
 */
export type AnalyzedText = string | ChunkedTextDocument;

function fullTextOf(text: AnalyzedText): string {
  return typeof text === 'string' ? text : text.getText();
}

/**
 * A private copy of `text[start, end)`: strings the results keep (image text, references) would
 * otherwise be slices of this version's whole text and keep every edited version of a 3 MB file alive.
 * Slicing a concatenation makes V8 flatten it into a new string of the document's size only (one
 * copy; `split('\n').join('\n')` did the same with an array of every line, 2–3× the time). An open
 * document's first version needs no copy (ChunkedTextDocument.sliceToKeep).
 */
function copyOf(text: AnalyzedText, start: number, end: number): string {
  if (typeof text !== 'string') return text.sliceToKeep(start, end);
  return (' ' + text.slice(start, end)).slice(1);
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

/** One document's results. Immutable once made: an unchanged document keeps the same object across edits. */
export interface DocumentResult {
  /** Offsets relative to the document's start. */
  images: FoundImage[];
  /** Kept only while `findings` is undefined (the rules run on every pass then); offsets relative to the document's start. */
  syntaxErrors: YamlSyntaxError[];
  /** Undefined when the document's images depend on other files (the release, .env): they are resolved on every run. */
  findings: Finding[] | undefined;
  /** Not read: the file's analysis budget was spent before it (never cached). */
  skipped?: true;
}

/** One document of an analysis (file offsets), made when asked for (DocumentList.at). */
export interface AnalyzedDocument {
  start: number;
  end: number;
  result: DocumentResult;
}

/** Results per page of a DocumentList: an edit copies one page (1 KB) and the list of pages. */
const PAGE = 128;

/**
 * The documents of one analysis, in order, covering the text: their starts and ends in typed arrays
 * (outside the JavaScript heap) and their results in pages of PAGE. An edit moves every document after
 * it; with an object per document and one array of them, a keystroke on the 4.3 MB benchmark file made
 * about 2,500 new objects and a 5,000-slot array, and a part of each lived on until an edit further up
 * replaced it: what each edit leaves in the young generation (forced scavenge after each, --trace-gc-nvp)
 * was 100 KB, most of it these, and every scavenge copied or promoted about ten edits' worth. Here an
 * edit that keeps the number of documents copies two typed arrays and one page.
 */
export class DocumentList {
  private constructor(
    private readonly starts: Int32Array,
    private readonly ends: Int32Array,
    private readonly pages: readonly (readonly DocumentResult[])[],
    readonly length: number,
  ) {}

  static of(documents: readonly AnalyzedDocument[]): DocumentList {
    const starts = new Int32Array(documents.length);
    const ends = new Int32Array(documents.length);
    documents.forEach((document, index) => {
      starts[index] = document.start;
      ends[index] = document.end;
    });
    return new DocumentList(starts, ends, paged(documents.map((document) => document.result)), documents.length);
  }

  /** Documents at [starts[i], ends[i]) with `results[i]`. */
  static from(starts: Int32Array, ends: Int32Array, results: readonly DocumentResult[]): DocumentList {
    return new DocumentList(starts, ends, paged(results), results.length);
  }

  start(index: number): number {
    return this.starts[index] as number;
  }

  end(index: number): number {
    return this.ends[index] as number;
  }

  result(index: number): DocumentResult {
    return (this.pages[(index / PAGE) | 0] as readonly DocumentResult[])[index % PAGE] as DocumentResult;
  }

  at(index: number): AnalyzedDocument {
    return { start: this.start(index), end: this.end(index), result: this.result(index) };
  }

  /** Index of the document containing `offset` (0 when there is none). */
  indexAt(offset: number): number {
    let low = 0;
    let high = this.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if ((this.starts[middle] as number) <= offset) low = middle;
      else high = middle - 1;
    }
    return low;
  }

  /** This list with documents [first, last] replaced by `middle` and the ones after moved by `delta`. */
  replaced(first: number, last: number, middle: readonly AnalyzedDocument[], delta: number): DocumentList {
    const tail = this.length - (last + 1);
    const count = first + middle.length + tail;
    const starts = new Int32Array(count);
    const ends = new Int32Array(count);
    starts.set(this.starts.subarray(0, first));
    ends.set(this.ends.subarray(0, first));
    const after = first + middle.length;
    if (delta === 0) {
      starts.set(this.starts.subarray(last + 1), after);
      ends.set(this.ends.subarray(last + 1), after);
    } else {
      for (let i = 0; i < tail; i++) {
        starts[after + i] = (this.starts[last + 1 + i] as number) + delta;
        ends[after + i] = (this.ends[last + 1 + i] as number) + delta;
      }
    }
    middle.forEach((document, i) => {
      starts[first + i] = document.start;
      ends[first + i] = document.end;
    });
    if (middle.length !== last + 1 - first) {
      // Documents added or removed: every page after the edit changes.
      const results: DocumentResult[] = [];
      for (let i = 0; i < first; i++) results.push(this.result(i));
      for (const document of middle) results.push(document.result);
      for (let i = last + 1; i < this.length; i++) results.push(this.result(i));
      return new DocumentList(starts, ends, paged(results), count);
    }
    // The same number of documents: only the pages holding [first, last] are copied.
    const pages = this.pages.slice();
    middle.forEach((document, i) => {
      const index = first + i;
      const page = (index / PAGE) | 0;
      if (pages[page] === this.pages[page]) pages[page] = (this.pages[page] as readonly DocumentResult[]).slice();
      (pages[page] as DocumentResult[])[index % PAGE] = document.result;
    });
    return new DocumentList(starts, ends, pages, count);
  }

  /** How many documents depend on other files (findings undefined) among [first, last]. */
  dependentIn(first: number, last: number): number {
    let count = 0;
    for (let i = first; i <= last; i++) if (!this.result(i).findings) count++;
    return count;
  }
}

function paged(results: readonly DocumentResult[]): DocumentResult[][] {
  const pages: DocumentResult[][] = [];
  for (let at = 0; at < results.length; at += PAGE) pages.push(results.slice(at, at + PAGE));
  return pages;
}

const NO_DOCUMENTS = DocumentList.of([]);

/** The environment one document's local rules need, as data (what the analysis worker is sent). */
export type DocumentEnvironment = Pick<AnalysisEnvironment, 'config' | 'severityOverrides' | 'offline'>;

/** Local rules never ask for credentials; the environment they get still has the whole shape. */
export function ruleEnvironment(env: DocumentEnvironment): AnalysisEnvironment {
  return { config: env.config, severityOverrides: env.severityOverrides, offline: env.offline, credentialsFor: () => Promise.resolve({}) };
}

export interface FileAnalysis {
  /** The text analysed (for an open document: the version it was, which carries its version number). */
  readonly text: AnalyzedText;
  /** Every document, in order, covering the text. */
  readonly documents: DocumentList;
  /**
   * Findings of the documents that depend on other files (the release, .env) and the file's
   * customer-pull findings: file offsets, in order. Recomputed on every analysis.
   */
  readonly resolvedFindings: readonly Finding[];
  /** The images of those documents, resolved (file offsets, in order). */
  readonly resolvedImages: readonly FoundImage[];
  /** Every local finding (no network), levels and disable comments applied, in file order (made on first access). */
  readonly findings: Finding[];
  /** Every image, in file offsets (made on first access: typing rarely needs them). */
  readonly images: FoundImage[];
  /** The image whose text (or, for Helm blocks, one of its parts in this file) contains `offset`, found without listing every image. */
  imageAt(offset: number): FoundImage | undefined;
  /** The images overlapping [start, end]. */
  imagesIn(start: number, end: number): FoundImage[];
}

/** The document an analysis read (open documents are ChunkedTextDocument versions), else `fallback`. */
export function analyzedDocument(analysis: FileAnalysis, fallback: TextDocument): TextDocument {
  return analysis.text instanceof ChunkedTextDocument ? analysis.text : fallback;
}

/** How an analysis runs: at which priority, sliced by which scheduler. */
export interface AnalysisOptions {
  priority: Priority;
  scheduler?: Pick<WorkScheduler, 'due' | 'turn'>;
}

/** What one analysis reads, taken when it starts (after the previous analysis of the same key ended). */
export interface AnalysisInput {
  text: AnalyzedText;
  /** What changed since the text the previous analysis of this key read. */
  hint?: EditHint;
}

/** While typing, documents larger than this (UTF-16 code units) are read in an analysis worker when there is one. */
export const WORKER_DOCUMENT_CHARS = 32 * 1024;
/**
 * Background analyses send their documents to the worker in batches of about this much text: about
 * 2 ms of the worker's time and 1 ms of this thread's (receiving the results) each, on the benchmark
 * manifest. A document over WORKER_DOCUMENT_CHARS goes alone (a batch over budget is reported on its
 * first document).
 */
const BATCH_CHARS = 64 * 1024;

/** A batch read in the analysis worker (results in order), or why it was not. */
export type WorkerOutcome = { results: DocumentResult[]; elapsedMs: number } | { overBudget: 'time' | 'memory' };

/** Reads documents of one file off the server's thread, within `budgetMs`, at `priority` (analysisWorker.ts). */
export type OffThreadReader = (job: { texts: string[]; filePath: string; env: DocumentEnvironment }, budgetMs: number, priority: Priority) => Promise<WorkerOutcome>;

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

/** Whether `image` (relative offsets) covers `offset` (relative), by its text or one of its parts in this file. */
function covers(image: FoundImage, offset: number, filePath: string): boolean {
  if (offset >= image.start && offset <= image.end) return true;
  return (image.parts ?? []).some((part) => (part.file === undefined || part.file === filePath) && offset >= part.start && offset <= part.end);
}

const NO_ERRORS: YamlSyntaxError[] = [];


/**
 * One document, read and checked by the local rules: the function both the server's thread and the
 * analysis worker run. `text` is the document alone.
 */
export function analyzeDocumentText(text: string, filePath: string, env: AnalysisEnvironment, file: FileReading = { role: fileRoleOf(filePath), parsed: new Map() }): DocumentResult {
  const scan = findImagesInDocumentSafe(text, { start: 0, end: text.length }, filePath, env, file);
  // Chart templates and values, HelmCharts, KOTS templates (the release) and Compose `${VAR}` (.env) depend on other files.
  if (dependsOnRelease(filePath, text, file.role) || scan.images.some(needsResolution)) return { images: scan.images, syntaxErrors: scan.syntaxErrors, findings: undefined };
  return { images: scan.images, syntaxErrors: NO_ERRORS, findings: localFindingsFor(text, scan, filePath, env) };
}

/** The per-file budget of one analysis: work time (not time spent waiting for other work), and whether it ran out. */
class Budget {
  private usedMs = 0;
  spent = false;

  get remainingMs(): number {
    return Math.max(0, INPUT_LIMITS.analysisTimeMs - this.usedMs);
  }

  add(ms: number): void {
    this.usedMs += ms;
  }
}

interface FileCache {
  /** Configuration generation the results were computed under. */
  generation: string;
  /** The text analyzed (the same string or document version the caller holds, so no extra memory). */
  text: AnalyzedText;
  documents: DocumentList;
  /**
   * How many documents depend on other files (findings undefined), kept up to date per edit: asking
   * `documents.some(...)` over 5,000 documents twice per keystroke cost 0.3–0.5 ms of a 5 ms edit.
   */
  dependent: number;
}


/** One analysis of one file, as the queue of its key holds it. */
interface Job {
  input: () => AnalysisInput;
  filePath: string;
  env: ReleaseEnvironment;
  generation: string;
  options: AnalysisOptions;
  promise: Promise<FileAnalysis>;
  started: boolean;
}

export class LocalAnalysisCache {
  private readonly files = new Map<string, FileCache>();
  /** The analysis of each key that has not started yet (later callers share it) and the one running. */
  private readonly queued = new Map<string, Job>();
  private readonly running = new Map<string, Promise<unknown>>();

  /** `offThread`: reads big documents in the analysis worker (none: everything on this thread, still sliced). */
  constructor(private readonly offThread?: OffThreadReader) {}

  /**
   * Images and local findings of a file. Analyses of one key run one after another; `input` is called
   * when this one starts, so that the text and the edit hint it reads belong together (the hint says
   * what changed since the text the previous analysis read). A caller arriving while an analysis of the
   * key waits to start shares it. `generation` identifies the configuration and settings in effect (a
   * different one discards the cache for this file).
   */
  analyze(key: string, input: () => AnalysisInput, filePath: string, env: ReleaseEnvironment, generation: string, options: AnalysisOptions = { priority: 'interactive' }): Promise<FileAnalysis> {
    const waiting = this.queued.get(key);
    if (waiting && !waiting.started) {
      // The waiting analysis reads the text when it starts: the newest one. Run it with the newest environment and the higher priority.
      waiting.env = env;
      waiting.generation = generation;
      if (options.priority === 'interactive') waiting.options = options;
      return waiting.promise;
    }
    const previous = this.running.get(key) ?? Promise.resolve();
    const job = { input, filePath, env, generation, options, started: false } as Job;
    job.promise = previous.then(
      () => this.start(key, job),
      () => this.start(key, job),
    );
    this.queued.set(key, job);
    const settled = job.promise.finally(() => {
      if (this.running.get(key) === settled) this.running.delete(key);
    });
    settled.catch(() => undefined);
    this.running.set(key, settled);
    return job.promise;
  }

  forget(key: string): void {
    this.files.delete(key);
  }

  /** Whether the last analysis of `key` had images that depend on the release (undefined: never analysed). */
  dependsOnRelease(key: string): boolean | undefined {
    const cached = this.files.get(key);
    return cached ? cached.dependent > 0 : undefined;
  }

  clear(): void {
    this.files.clear();
  }

  private start(key: string, job: Job): Promise<FileAnalysis> {
    job.started = true;
    if (this.queued.get(key) === job) this.queued.delete(key);
    const { text, hint } = job.input();
    return this.run(key, text, hint, job.filePath, job.env, job.generation, job.options);
  }

  private async run(key: string, text: AnalyzedText, hint: EditHint | undefined, filePath: string, env: ReleaseEnvironment, generation: string, options: AnalysisOptions): Promise<FileAnalysis> {
    if (text.length > INPUT_LIMITS.analyzedFileBytes) {
      // Too large to read at all: one finding, and nothing kept.
      this.files.delete(key);
      return fileAnalysisOf(text, NO_DOCUMENTS, limitFindingFor(fullTextOf(text), filePath, env), [], filePath);
    }
    const previous = this.files.get(key);
    const reusable = previous && previous.generation === generation ? previous : undefined;
    const budget = new Budget();
    const reader = new DocumentReader(filePath, env, budget, options, this.offThread);
    let split: { documents: DocumentList; dependent: number };
    if (reusable && !hint && reusable.text === text) split = reusable;
    else if (reusable && hint && hintFits(reusable, text, hint)) split = await splitWithHint(reusable, text, hint, reader);
    else {
      const documents = await splitFully(reusable, text, reader);
      split = { documents, dependent: documents.dependentIn(0, documents.length - 1) };
    }
    const { documents, dependent } = split;
    // A file whose budget ran out is read afresh next time, not pieced together from skipped documents.
    if (budget.spent) this.files.delete(key);
    else this.files.set(key, { generation, text, documents, dependent });

    if (dependent === 0) return fileAnalysisOf(text, documents, [], [], filePath);
    const pendingImages: FoundImage[] = [];
    const pendingErrors: YamlSyntaxError[] = [];
    for (let index = 0; index < documents.length; index++) {
      const result = documents.result(index);
      if (result.findings) continue;
      const start = documents.start(index);
      for (const image of result.images) pendingImages.push(shiftImage(image, filePath, start));
      for (const error of result.syntaxErrors) pendingErrors.push({ ...error, start: error.start + start, end: error.end + start });
    }
    await options.scheduler?.turn(options.priority);
    const fullText = fullTextOf(text);
    // Even with no image of its own: a HelmChart reports what its chart renders.
    const resolvedImages = await resolveImagesSafe(pendingImages, filePath, fullText, env);
    const resolvedFindings = [...localFindingsFor(fullText, { images: resolvedImages, syntaxErrors: pendingErrors }, filePath, env), ...(await customerFindingsSafe(filePath, fullText, env))];
    resolvedFindings.sort((a, b) => a.start - b.start || a.end - b.end);
    return fileAnalysisOf(text, documents, resolvedFindings, resolvedImages, filePath);
  }
}

function hintFits(previous: FileCache, text: AnalyzedText, hint: EditHint): boolean {
  const previousLength = previous.text.length;
  return (
    previous.documents.length > 0 &&
    previousLength + hint.delta === text.length &&
    hint.prefix >= 0 &&
    hint.suffix >= 0 &&
    hint.prefix + hint.suffix <= Math.min(previousLength, text.length)
  );
}

/**
 * Re-splits and re-reads only the documents around the edited region, and keeps the old boundaries
 * before and after it where a split of the whole text would put them too (checked: a differential test
 * holds this to fresh splits of generated texts and edits, test/unit/incrementalSplit.test.ts).
 */
async function splitWithHint(previous: FileCache, text: AnalyzedText, hint: EditHint, reader: DocumentReader): Promise<{ documents: DocumentList; dependent: number }> {
  const old = previous.documents;
  // From the document before the edit when the edit touches a document's first four characters: they
  // decide whether its first line is a `---` that opens it (`---`, then an end of line, a space or a tab).
  // The boundary before that document is unchanged: it follows a `...` or opens with a `---`, both before the edit.
  const first = old.indexAt(Math.max(0, hint.prefix - 4));
  // To the document holding the first unchanged character after the edit: its marker line may have changed.
  const oldLength = previous.text.length;
  let last = old.indexAt(Math.min(oldLength - 1, oldLength - hint.suffix));
  const regionStart = old.start(first);
  let regionText: string;
  let ranges: DocumentRange[];
  for (;;) {
    const regionEnd = old.end(last) + hint.delta;
    regionText = text.slice(regionStart, regionEnd);
    ranges = splitDocumentsSafe(regionText);
    // The old boundary after the region may no longer be one: the edit left comments after a `...` (they
    // belong to the next document), removed a `...`, or left content before a document not opened by `---`.
    // One more document then ends the region with a `...` or with content before a `---`: a loop for safety.
    if (last === old.length - 1 || endsBefore(regionText, (ranges[ranges.length - 1] as DocumentRange).start, text.slice(regionEnd, regionEnd + 4))) break;
    last++;
  }
  const middle: AnalyzedDocument[] = [];
  for (const range of ranges) {
    const absolute = { start: range.start + regionStart, end: range.end + regionStart };
    const read = reader.read(text, absolute);
    middle.push({ ...absolute, result: read instanceof Promise ? await read : read });
  }
  const documents = old.replaced(first, last, middle, hint.delta);
  const dependent = previous.dependent - old.dependentIn(first, last) + documents.dependentIn(first, first + middle.length - 1);
  return { documents, dependent };
}

/** Splits the whole text; documents whose text is unchanged reuse their results. */
async function splitFully(previous: FileCache | undefined, source: AnalyzedText, reader: DocumentReader): Promise<DocumentList> {
  const byText = new Map<string, DocumentResult>();
  if (previous) {
    const previousText = fullTextOf(previous.text);
    const old = previous.documents;
    for (let index = 0; index < old.length; index++) byText.set(previousText.slice(old.start(index), old.end(index)), old.result(index));
  }
  const text = fullTextOf(source);
  const bounds = boundsOf(splitDocumentsSafe(text));
  const { starts, ends } = bounds;
  const results = new Array<DocumentResult | undefined>(starts.length);
  let unread = 0;
  for (let index = 0; index < starts.length; index++) {
    if (byText.size > 0) results[index] = byText.get(text.slice(starts[index], ends[index]));
    if (!results[index]) unread++;
  }
  let toRead = bounds;
  if (unread < starts.length) {
    toRead = { starts: new Int32Array(unread), ends: new Int32Array(unread) };
    for (let index = 0, at = 0; index < starts.length; index++) {
      if (results[index]) continue;
      toRead.starts[at] = starts[index] as number;
      toRead.ends[at++] = ends[index] as number;
    }
  }
  const read = await reader.readAll(text, toRead);
  for (let index = 0, next = 0; index < starts.length; index++) results[index] ??= read[next++] as DocumentResult;
  return DocumentList.from(starts, ends, results as DocumentResult[]);
}

/** Documents' extents as two typed arrays (starts, ends), in order. */
interface DocumentBounds {
  starts: Int32Array;
  ends: Int32Array;
}

/**
 * The extents of `ranges` outside the JavaScript heap. What an analysis holds on to while it reads
 * (about 300 ms on the benchmark manifest) is copied by every young-generation collection until it is
 * promoted, and that copying is most of what those collections cost (a synthetic test: 15–18 ms per MB
 * held, against under 0.1 ms per collection for garbage alone); 5,000 range objects held through the read were 0.3 MB of it.
 */
function boundsOf(ranges: readonly DocumentRange[]): DocumentBounds {
  const starts = new Int32Array(ranges.length);
  const ends = new Int32Array(ranges.length);
  for (let index = 0; index < ranges.length; index++) {
    const range = ranges[index] as DocumentRange;
    starts[index] = range.start;
    ends[index] = range.end;
  }
  return { starts, ends };
}

/** Reads the documents of one analysis: sliced, big ones in the worker, within the file's budget. */
class DocumentReader {
  private readonly workerEnv: DocumentEnvironment;
  private readonly ruleEnv: AnalysisEnvironment;
  private readonly file: FileReading;

  constructor(
    private readonly filePath: string,
    private readonly env: AnalysisEnvironment,
    private readonly budget: Budget,
    private readonly options: AnalysisOptions,
    private readonly offThread: OffThreadReader | undefined,
  ) {
    // What the local rules read of the environment, as data (functions do not cross to the worker).
    // Without a registry client the registry rule says "offline", as on this thread.
    this.workerEnv = { config: env.config, severityOverrides: env.severityOverrides, offline: env.offline || !env.registryClient };
    this.ruleEnv = ruleEnvironment(this.workerEnv);
    this.file = { role: fileRoleOf(filePath), parsed: new Map() };
  }

  /**
   * Reads documents in order. In the background with a worker, when there is more than a batch of them:
   * all of them there, in batches sent only when no edit is pending; otherwise one by one (read()) —
   * a small file costs a millisecond here, less than starting a worker for it.
   */
  async readAll(text: AnalyzedText, bounds: DocumentBounds): Promise<DocumentResult[]> {
    const { starts, ends } = bounds;
    const count = starts.length;
    const out = new Array<DocumentResult>(count);
    const offThread = this.offThread;
    const rangeAt = (index: number): DocumentRange => ({ start: starts[index] as number, end: ends[index] as number });
    let chars = 0;
    for (let index = 0; index < count; index++) chars += (ends[index] as number) - (starts[index] as number);
    if (!offThread || this.options.priority !== 'background' || chars <= BATCH_CHARS) {
      for (let index = 0; index < count; index++) {
        const read = this.read(text, rangeAt(index));
        out[index] = read instanceof Promise ? await read : read;
      }
      return out;
    }
    const scheduler = this.options.scheduler ?? UNSLICED;
    for (let at = 0; at < count; ) {
      let end = at;
      let chars = 0;
      while (end < count) {
        const length = (ends[end] as number) - (starts[end] as number);
        if (end > at && (chars + length > BATCH_CHARS || length > WORKER_DOCUMENT_CHARS)) break;
        chars += length;
        end++;
        if (length > WORKER_DOCUMENT_CHARS) break;
      }
      if (scheduler.due('background')) await scheduler.turn('background');
      if (this.budget.spent || this.budget.remainingMs <= 0) {
        for (let index = at; index < end; index++) out[index] = this.skip(text, rangeAt(index), 'time');
      } else {
        const texts: string[] = [];
        for (let index = at; index < end; index++) {
          const range = rangeAt(index);
          texts.push(text.slice(range.start, range.end));
        }
        const outcome = await offThread({ texts, filePath: this.filePath, env: this.workerEnv }, this.budget.remainingMs, 'background');
        if ('results' in outcome) {
          this.budget.add(outcome.elapsedMs);
          outcome.results.forEach((result, i) => (out[at + i] = result));
        } else {
          for (let index = at; index < end; index++) out[index] = this.skip(text, rangeAt(index), outcome.overBudget);
        }
      }
      at = end;
    }
    return out;
  }

  /** Reads one document; a promise only when it has to wait (a slice is used up, or the worker reads it). */
  read(text: AnalyzedText, range: DocumentRange): DocumentResult | Promise<DocumentResult> {
    const scheduler = this.options.scheduler ?? UNSLICED;
    if (scheduler.due(this.options.priority)) return scheduler.turn(this.options.priority).then(() => this.readNow(text, range));
    return this.readNow(text, range);
  }

  private readNow(text: AnalyzedText, range: DocumentRange): DocumentResult | Promise<DocumentResult> {
    if (this.budget.spent || this.budget.remainingMs <= 0) return this.skip(text, range, 'time');
    const copy = copyOf(text, range.start, range.end);
    if (this.offThread && copy.length > WORKER_DOCUMENT_CHARS) {
      return this.offThread({ texts: [copy], filePath: this.filePath, env: this.workerEnv }, this.budget.remainingMs, this.options.priority).then((outcome) => {
        if (!('results' in outcome) || !outcome.results[0]) return this.skip(text, range, 'results' in outcome ? 'time' : outcome.overBudget);
        this.budget.add(outcome.elapsedMs);
        return outcome.results[0];
      });
    }
    const started = performance.now();
    const result = analyzeDocumentText(copy, this.filePath, this.ruleEnv, this.file);
    this.budget.add(performance.now() - started);
    return result;
  }

  /** A document not read because the budget ran out: the first one says so; the others stay silent. */
  private skip(text: AnalyzedText, range: DocumentRange, why: 'time' | 'memory'): DocumentResult {
    const head = text.slice(range.start, Math.min(range.end, range.start + 400));
    const findings = this.budget.spent ? [] : why === 'time' ? timeBudgetFindingFor(head, this.filePath, this.env) : memoryBudgetFindingFor(head, this.filePath, this.env);
    this.budget.spent = true;
    return { images: [], syntaxErrors: NO_ERRORS, findings, skipped: true };
  }
}

/** The analysis of `text` from its documents and the findings of the parts that depend on other files. */
function fileAnalysisOf(text: AnalyzedText, documents: DocumentList, resolvedFindings: Finding[], resolvedImages: FoundImage[], filePath: string): FileAnalysis {
  let findings: Finding[] | undefined;
  let images: FoundImage[] | undefined;
  const resolvedByStart = [...resolvedImages].sort((a, b) => a.start - b.start);
  return {
    text,
    documents,
    resolvedFindings,
    resolvedImages: resolvedByStart,
    get findings(): Finding[] {
      if (!findings) {
        findings = [];
        for (let index = 0; index < documents.length; index++) {
          const start = documents.start(index);
          for (const finding of documents.result(index).findings ?? []) findings.push(shiftFinding(finding, filePath, start));
        }
        if (resolvedFindings.length > 0) findings = [...findings, ...resolvedFindings].sort((a, b) => a.start - b.start || a.end - b.end);
      }
      return findings;
    },
    get images(): FoundImage[] {
      if (!images) {
        images = [];
        for (let index = 0; index < documents.length; index++) {
          const result = documents.result(index);
          if (!result.findings) continue;
          const start = documents.start(index);
          for (const image of result.images) images.push(shiftImage(image, filePath, start));
        }
        if (resolvedByStart.length > 0) images = [...images, ...resolvedByStart].sort((a, b) => a.start - b.start);
      }
      return images;
    },
    imageAt(offset: number): FoundImage | undefined {
      if (documents.length > 0) {
        const index = documents.indexAt(offset);
        // An offset at a document's first character may belong to the end of the one before.
        for (const candidate of [index, index - 1]) {
          if (candidate < 0) continue;
          const result = documents.result(candidate);
          if (!result.findings) continue;
          const start = documents.start(candidate);
          const image = result.images.find((i) => covers(i, offset - start, filePath));
          if (image) return shiftImage(image, filePath, start);
        }
      }
      return resolvedByStart.find((image) => covers(image, offset, filePath));
    },
    imagesIn(start: number, end: number): FoundImage[] {
      const out: FoundImage[] = [];
      if (documents.length > 0) {
        for (let index = Math.max(0, documents.indexAt(start) - 1); index < documents.length; index++) {
          const documentStart = documents.start(index);
          if (documentStart > end) break;
          const result = documents.result(index);
          if (!result.findings) continue;
          for (const image of result.images) {
            if (image.start + documentStart <= end && image.end + documentStart >= start) out.push(shiftImage(image, filePath, documentStart));
          }
        }
      }
      for (const image of resolvedByStart) if (image.start <= end && image.end >= start) out.push(image);
      return out.sort((a, b) => a.start - b.start);
    },
  };
}
