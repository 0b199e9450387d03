/**
 * A file's diagnostics, made from its analysis (fileAnalysis.ts) and its last pull-check findings,
 * converted once per unchanged document: each document's diagnostics are kept with the document's
 * results, and an edit elsewhere only moves them when lines were added or removed above them. Before,
 * every publish converted every finding of the file again (about 40 ms for the 11,000 findings of the
 * 4.3 MB benchmark file, on every keystroke). An open file's set is also kept in blocks of consecutive
 * documents (Block): an edit changes one document, so the other blocks are taken whole, and the cap of
 * marks per problem looks at each block's problems, not at each of its places.
 *
 * Pull-check findings are anchored to the image text they were computed for (offset within the image),
 * by a lookup per image text: placing 40,000 of them on 40,000 references used to compare every finding
 * with every reference (30 s of a 40 s first hover, bench/firstHover.bench.ts).
 */
import type { Diagnostic, DiagnosticRelatedInformation, Range } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { Causes } from '../findings/cause';
import type { AnalysisEnvironment, Finding, FoundImage } from '../findings/types';
import { findingToDiagnostic } from './convert';
import { finalizeFor } from './engine';
import type { AnalyzedDocument, DocumentList, DocumentResult, FileAnalysis } from './fileAnalysis';
import type { Priority, WorkScheduler } from './scheduler';

/** A remote finding, anchored to the image it is about (offsets relative to the image's start). */
export interface AnchoredFinding {
  finding: Finding;
  delta: number;
}

/** Remote findings keyed by the image text they were computed for. */
export type RemoteFindings = Map<string, AnchoredFinding[]>;

/**
 * Anchors remote findings on the images they were computed for: each finding goes to the image with its
 * reference text nearest to it (several identical references share one check, so one verdict per text).
 */
export function anchorRemoteFindings(findings: readonly Finding[], images: readonly FoundImage[]): RemoteFindings {
  const startsByText = new Map<string, number[]>();
  for (const image of images) {
    const starts = startsByText.get(image.text);
    if (starts) starts.push(image.start);
    else startsByText.set(image.text, [image.start]);
  }
  for (const starts of startsByText.values()) starts.sort((a, b) => a - b);
  const byText: RemoteFindings = new Map();
  const seen = new Set<string>();
  for (const finding of findings) {
    const starts = startsByText.get(finding.reference);
    if (!starts) continue;
    const owner = nearest(starts, finding.start);
    const delta = finding.start - owner;
    // The same verdict once per image text.
    const key = `${finding.code}\u0000${delta}\u0000${finding.reference}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const list = byText.get(finding.reference);
    if (list) list.push({ finding, delta });
    else byText.set(finding.reference, [{ finding, delta }]);
  }
  return byText;
}

/** The value in ascending `sorted` (not empty) nearest to `target` (the lower one on a tie). */
function nearest(sorted: readonly number[], target: number): number {
  let low = 0;
  let high = sorted.length - 1;
  while (low < high) {
    const middle = (low + high) >> 1;
    if ((sorted[middle] as number) < target) low = middle + 1;
    else high = middle;
  }
  const after = sorted[low] as number;
  const before = low > 0 ? (sorted[low - 1] as number) : undefined;
  return before !== undefined && target - before <= after - target ? before : after;
}

/** Anchored remote findings placed on `images` (with the same text), in the images' offsets. */
export function placeRemoteFindings(anchored: RemoteFindings | undefined, images: readonly FoundImage[]): Finding[] {
  if (!anchored || anchored.size === 0) return [];
  const out: Finding[] = [];
  for (const image of images) {
    const list = anchored.get(image.text);
    if (!list) continue;
    for (const { finding, delta } of list) {
      const length = finding.end - finding.start;
      out.push({ ...finding, start: image.start + delta, end: image.start + delta + length });
    }
  }
  return out;
}

/** Documents without diagnostics skipped between two looks at the clock (a look costs more than a skip). */
const SKIPPED_PER_CHECK = 512;

/**
 * Documents per block of an open file's kept set. On the 4.3 MB benchmark file (5,000 documents, 9,373
 * diagnostics) walking every document and every place on each keystroke cost 7.2 ms of the server's
 * 17 ms per edit; with blocks of 64 an edit rebuilds one block (64 documents) and looks at the other
 * 78 blocks' problems (about 16 each).
 */
const BLOCK_DOCUMENTS = 64;

/**
 * The diagnostics of BLOCK_DOCUMENTS consecutive documents of an open file, as one assembly made them.
 * Valid for a later assembly while the same documents (the same immutable results, which are kept for
 * the same text: fileAnalysis.ts) lie the same way from the same first line, and the remote findings
 * are the same set. The documents cover the text, so the same texts at the same distances from the
 * first are the same lines: one position lookup per block, not one per document (1.2 ms a keystroke on
 * the benchmark file).
 */
interface Block {
  /** The index of its first document. */
  first: number;
  results: DocumentResult[];
  /** Each document's start, from the first's. */
  offsets: number[];
  firstLine: number;
  remote: RemoteFindings | undefined;
  /** False when a finding has related places in other files: those follow the other files (made again each time). */
  keepable: boolean;
  /**
   * Its places, in position order: each one's problem (findings/cause.ts; undefined: not one of ours,
   * always marked) and, once converted, its diagnostic. A document without remote findings is converted
   * only when one of its places is marked (`place`): on the 4.3 MB benchmark file 1,101 of 9,373 places
   * are, and converting all of them was 40–70 ms of the cold open.
   */
  causes: (string | undefined)[];
  diagnostics: (Diagnostic | undefined)[];
  /** For a place not converted yet: its document (in the block) and its index in that document's diagnostics. */
  owners: number[];
  items: number[];
  /** Its problems, in the order of their first places, and each one's places, in order (arrays: iterating a Map's entries made an array per entry on every keystroke). */
  problems: (string | undefined)[];
  placesOf: number[][];
}

/** A block's place as a diagnostic, converted when first asked for. */
type PlaceOf = (block: Block, index: number) => Diagnostic;

/** Diagnostics of one document, kept with its (immutable) results, for the line the document started on. */
interface ConvertedDocument {
  startLine: number;
  local: Diagnostic[];
  /** The document's remote findings, for one set of them. */
  remote?: { findings: RemoteFindings; diagnostics: Diagnostic[] };
}

function byPosition(a: Diagnostic, b: Diagnostic): number {
  return a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character || a.range.end.line - b.range.end.line || a.range.end.character - b.range.end.character;
}

function shiftRange(range: Range, lines: number): Range {
  return { start: { line: range.start.line + lines, character: range.start.character }, end: { line: range.end.line + lines, character: range.end.character } };
}

/** `diagnostics` moved down `lines` lines (related locations in the same file too). */
function shiftDiagnostics(diagnostics: readonly Diagnostic[], lines: number, uri: string): Diagnostic[] {
  return diagnostics.map((diagnostic) => {
    const shifted: Diagnostic = { ...diagnostic, range: shiftRange(diagnostic.range, lines) };
    if (diagnostic.relatedInformation) {
      shifted.relatedInformation = diagnostic.relatedInformation.map((related): DiagnosticRelatedInformation => (related.location.uri === uri ? { ...related, location: { uri, range: shiftRange(related.location.range, lines) } } : related));
    }
    return shifted;
  });
}

/**
 * The problem each of our diagnostics is about (findings/cause.ts), under a symbol key: JSON leaves it
 * out (nothing more to send on every publish) and a spread copy keeps it. A WeakMap beside the
 * diagnostics cost 3 ms per keystroke on the 9,373 of the 4.3 MB benchmark file.
 */
const CAUSE = Symbol('cause');
type WithCause = Diagnostic & { [CAUSE]?: string };

/**
 * Diagnostics in position order, with at most `max` places marked per problem (0: all); the first place
 * of a problem with more says how many there are. One pass while the set is assembled (`add`), the notes
 * put in at the end: a second pass over the 9,373 diagnostics of the benchmark file cost 3–6 ms a
 * keystroke. Kept diagnostics are the same objects as before, so an unchanged set compares equal cheaply.
 */
class RepeatedProblems {
  readonly out: Diagnostic[] = [];
  /** Places of a block picked to be marked (addBlock), by index in the block: reused from block to block. */
  private picked = new Uint8Array(256);

  /**
   * `tallies`: an open file's tallies, kept from one assembly to the next (Tallies): on the benchmark file
   * a fresh map of every problem with a fresh tally each, the entries of every block's problem map and the
   * list of picked places sorted per block were 360 KB of garbage a keystroke, a quarter of what an edit
   * allocated.
   */
  constructor(
    private readonly max: number,
    private readonly tallies: Tallies = new Tallies(),
  ) {
    tallies.reset();
  }

  add(diagnostic: Diagnostic): void {
    const cause = (diagnostic as WithCause)[CAUSE];
    if (this.max <= 0 || cause === undefined) {
      this.out.push(diagnostic);
      return;
    }
    const tally = this.tallies.of(cause);
    if (tally.count++ === 0) tally.first = this.out.length;
    if (tally.count <= this.max) this.out.push(diagnostic);
  }

  /**
   * A block's diagnostics, as `add` would take them one by one, looking only at its problems: a problem
   * already marked `max` times only counts its places (on the benchmark file most problems are, after the
   * first blocks).
   */
  addBlock(block: Block, place: PlaceOf): void {
    const count = block.causes.length;
    if (this.max <= 0) {
      for (let index = 0; index < count; index++) this.out.push(place(block, index));
      return;
    }
    if (this.picked.length < count) this.picked = new Uint8Array(count * 2);
    const picked = this.picked;
    let any = false;
    for (let problem = 0; problem < block.problems.length; problem++) {
      const cause = block.problems[problem];
      const places = block.placesOf[problem] as number[];
      if (cause === undefined) {
        for (const index of places) picked[index] = 1;
        any = true;
        continue;
      }
      const tally = this.tallies.of(cause);
      const room = Math.min(this.max - tally.count, places.length);
      for (let i = 0; i < room; i++) picked[places[i] as number] = 1;
      if (room > 0) any = true;
      tally.count += places.length;
    }
    if (!any) return;
    // The picked places in position order; the first mark of each problem is where its note goes.
    for (let index = 0; index < count; index++) {
      if (picked[index] === 0) continue;
      picked[index] = 0;
      const cause = block.causes[index];
      if (cause !== undefined) {
        const tally = this.tallies.of(cause);
        if (tally.first < 0) tally.first = this.out.length;
      }
      this.out.push(place(block, index));
    }
  }

  finish(): Diagnostic[] {
    this.tallies.note(this.out, this.max);
    return this.out;
  }
}

/** One problem's places in a set being made, where its first mark is in the set, and that mark with its note. */
export interface Tally {
  count: number;
  first: number;
  noted?: { from: Diagnostic; count: number; max: number; diagnostic: Diagnostic };
}

/**
 * The tallies of a file's problems, reset for each set made. An open file keeps its tallies with its
 * blocks: the next keystroke counts into the same objects, and a first mark that says "the same problem
 * at N places" is the same object as long as it and N are the same (so the next set compares equal
 * quickly, and each keystroke does not make ~50 new notes).
 */
export class Tallies {
  private readonly byCause = new Map<string, Tally>();

  /** Problems tallied (kept from earlier sets included). */
  get size(): number {
    return this.byCause.size;
  }

  of(cause: string): Tally {
    let tally = this.byCause.get(cause);
    if (!tally) {
      tally = { count: 0, first: -1 };
      this.byCause.set(cause, tally);
    }
    return tally;
  }

  /** Zero counts for a new set. Problems the last set did not have go when they are most of them (an image reference typed letter by letter makes a new problem per keystroke). */
  reset(): void {
    let unused = 0;
    for (const tally of this.byCause.values()) if (tally.count === 0) unused++;
    // Entries only when pruning: iterating them makes an array per entry (67 KB a keystroke on the benchmark file).
    if (unused > 1024 && unused * 2 > this.byCause.size) for (const [cause, tally] of this.byCause) if (tally.count === 0) this.byCause.delete(cause);
    for (const tally of this.byCause.values()) {
      tally.count = 0;
      tally.first = -1;
    }
  }

  /** Puts the note on the first mark of each problem with more than `max` places. */
  note(out: Diagnostic[], max: number): void {
    for (const tally of this.byCause.values()) {
      if (tally.count <= max) continue;
      const from = out[tally.first] as Diagnostic;
      const noted = tally.noted;
      if (noted?.from === from && noted.count === tally.count && noted.max === max) {
        out[tally.first] = noted.diagnostic;
        continue;
      }
      const diagnostic = { ...from, message: `${from.message} (${repeatedNote(tally.count, max)})` };
      tally.noted = { from, count: tally.count, max, diagnostic };
      out[tally.first] = diagnostic;
    }
  }
}

/** `diagnostics` (in position order) with at most `max` places marked per problem (RepeatedProblems). */
export function capRepeatedProblems(diagnostics: readonly Diagnostic[], max: number): Diagnostic[] {
  const capped = new RepeatedProblems(max);
  for (const diagnostic of diagnostics) capped.add(diagnostic);
  return capped.finish();
}

function repeatedNote(total: number, max: number): string {
  // Thousands separated by hand: toLocaleString sets up ICU on every call (0.4 ms each).
  const count = String(total).replace(/\B(?=(\d{3})+$)/g, ',');
  return `the same problem at ${count} places in this file; the first ${max} are marked (replicated-registries.maxRepeatedProblems)`;
}

/** Whether two diagnostics say the same thing at the same place. */
function sameDiagnostic(a: Diagnostic, b: Diagnostic): boolean {
  if (a === b) return true;
  return (
    byPosition(a, b) === 0 &&
    a.severity === b.severity &&
    a.code === b.code &&
    a.message === b.message &&
    a.source === b.source &&
    JSON.stringify(a.data) === JSON.stringify(b.data) &&
    JSON.stringify(a.relatedInformation) === JSON.stringify(b.relatedInformation)
  );
}

/** Whether two diagnostic lists are the same (so there is nothing new to publish). */
export function sameDiagnostics(a: readonly Diagnostic[] | undefined, b: readonly Diagnostic[]): boolean {
  if (!a || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!sameDiagnostic(a[i] as Diagnostic, b[i] as Diagnostic)) return false;
  return true;
}

export interface AssemblyInput {
  uri: string;
  filePath: string;
  /** Positions (the document the analysis read). */
  document: TextDocument;
  analysis: FileAnalysis;
  remote: RemoteFindings | undefined;
  env: AnalysisEnvironment;
  priority: Priority;
  /** Places marked per problem (settings.ts `maxRepeatedProblems`; 0: all). */
  maxRepeated: number;
  /** An open file: its set is kept in blocks for the next assembly (until `forget`). */
  keep?: boolean;
}

/**
 * Adds a place to a block being made. The block keeps one string per problem: each finding's cause is a
 * fresh concatenation (findings/cause.ts), and keeping them all was 9,373 strings (and as many
 * concatenations) on the benchmark file, 1.5 MB that the cold open's scavenges copied and promoted.
 */
function addPlace(block: Block, cause: string | undefined, diagnostic: Diagnostic | undefined, owner: number, item: number): void {
  const index = block.causes.length;
  let problem = block.problems.indexOf(cause);
  if (problem >= 0) (block.placesOf[problem] as number[]).push(index);
  else {
    problem = block.problems.length;
    block.problems.push(cause);
    block.placesOf.push([index]);
  }
  block.causes.push(block.problems[problem]);
  block.diagnostics.push(diagnostic);
  block.owners.push(owner);
  block.items.push(item);
}

/** Whether `documents[first…first+count)` are the block's documents, lying the same way. */
function sameDocuments(block: Block, documents: DocumentList, first: number, count: number): boolean {
  if (block.results.length !== count) return false;
  const head = documents.start(first);
  for (let i = 0; i < count; i++) {
    if (documents.result(first + i) !== block.results[i] || documents.start(first + i) - head !== block.offsets[i]) return false;
  }
  return true;
}

/** Whether a document's findings have related places in other files. */
function pointsElsewhere(result: DocumentResult, filePath: string): boolean {
  return result.findings?.some((finding) => finding.related?.some((r) => r.file !== filePath)) ?? false;
}

/** Whether a document may have diagnostics: findings of its own, or images the remote findings may be about. */
function hasDiagnostics(result: DocumentResult, hasRemote: boolean): boolean {
  const findings = result.findings;
  return findings !== undefined && (findings.length > 0 || (hasRemote && result.images.length > 0));
}

export class DiagnosticAssembler {
  private readonly converted = new WeakMap<DocumentResult, ConvertedDocument>();
  /** Open files' sets, in blocks (Block), by URI; dropped when the file closes (`forget`). */
  private readonly kept = new Map<string, Block[]>();
  /** Open files' problem tallies (Tallies), by URI, for the next set; dropped with the blocks. */
  private readonly keptTallies = new Map<string, Tallies>();
  /** One string per cause, so problem lists and tallies compare and hash each once (findings/cause.ts). */
  private readonly causes = new Causes();

  constructor(
    private readonly scheduler: Pick<WorkScheduler, 'due' | 'turn'>,
    /** Related information is kept only when the client shows it. */
    private readonly relatedInformation: () => boolean,
    /** Another file's text, for the positions of related information there. */
    private readonly readTextSync: (filePath: string) => string | undefined,
    private readonly createDocument: (uri: string, text: string) => TextDocument,
    private readonly pathToUri: (filePath: string) => string,
  ) {}

  /** The file's diagnostics, in position order, with at most `maxRepeated` places marked per problem. */
  async assemble(input: AssemblyInput): Promise<Diagnostic[]> {
    const { analysis, document } = input;
    const related = this.relatedDocuments(input.uri, document);
    const resolved = analysis.resolvedFindings.length > 0 || analysis.resolvedImages.length > 0;
    // Without findings that depend on other files the documents' sets come in position order: capped as they come.
    const max = resolved ? 0 : input.maxRepeated;
    let capped: RepeatedProblems;
    if (input.keep) {
      const blocks = await this.blocks(input, related);
      // From here to finish() nothing waits: the kept tallies are this assembly's alone.
      capped = new RepeatedProblems(max, this.tallies(input.uri));
      const place: PlaceOf = (block, index) => {
        const made = block.diagnostics[index];
        if (made) return made;
        // The block is valid for this analysis: its documents are this analysis's, at the same index.
        const analyzed = analysis.documents.at(block.first + (block.owners[index] as number));
        const diagnostic = this.documentDiagnostics(analyzed, input, related)[block.items[index] as number] as Diagnostic;
        block.diagnostics[index] = diagnostic;
        return diagnostic;
      };
      for (const block of blocks) capped.addBlock(block, place);
    } else {
      capped = new RepeatedProblems(max);
      const hasRemote = input.remote !== undefined && input.remote.size > 0;
      let skipped = 0;
      const documents = analysis.documents;
      for (let index = 0; index < documents.length; index++) {
        if (!hasDiagnostics(documents.result(index), hasRemote)) {
          if (++skipped % SKIPPED_PER_CHECK === 0 && this.scheduler.due(input.priority)) await this.scheduler.turn(input.priority);
          continue;
        }
        if (this.scheduler.due(input.priority)) await this.scheduler.turn(input.priority);
        for (const diagnostic of this.documentDiagnostics(documents.at(index), input, related)) capped.add(diagnostic);
      }
    }
    const out = capped.finish();
    if (!resolved) return out;
    // The parts that depend on other files are converted on every pass (they are few: values and templates).
    const remote = input.remote !== undefined && input.remote.size > 0 ? finalizeFor(document.getText(), placeRemoteFindings(input.remote, analysis.resolvedImages), input.filePath, input.env) : [];
    for (const finding of [...analysis.resolvedFindings, ...remote]) out.push(this.convert(finding, document, related));
    return capRepeatedProblems(out.sort(byPosition), input.maxRepeated);
  }

  /** Drops what was kept for an open file (it closed). */
  forget(uri: string): void {
    this.kept.delete(uri);
    this.keptTallies.delete(uri);
  }

  private tallies(uri: string): Tallies {
    let tallies = this.keptTallies.get(uri);
    if (!tallies) {
      tallies = new Tallies();
      this.keptTallies.set(uri, tallies);
    }
    return tallies;
  }

  /** The open file's set in blocks: the kept ones that are still valid, the others made again. */
  private async blocks(input: AssemblyInput, related: (file: string) => TextDocument | undefined): Promise<Block[]> {
    const { analysis, document } = input;
    const documents = analysis.documents;
    const before = this.kept.get(input.uri) ?? [];
    const hasRemote = input.remote !== undefined && input.remote.size > 0;
    const blocks: Block[] = [];
    for (let first = 0, index = 0; first < documents.length; first += BLOCK_DOCUMENTS, index++) {
      const count = Math.min(BLOCK_DOCUMENTS, documents.length - first);
      const head = documents.start(first);
      const firstLine = document.positionAt(head).line;
      const old = before[index];
      if (old && old.keepable && old.firstLine === firstLine && old.remote === input.remote && sameDocuments(old, documents, first, count)) {
        blocks.push(old);
        continue;
      }
      if (this.scheduler.due(input.priority)) await this.scheduler.turn(input.priority);
      const block: Block = { first, results: [], offsets: [], firstLine, remote: input.remote, keepable: true, causes: [], diagnostics: [], owners: [], items: [], problems: [], placesOf: [] };
      for (let i = 0; i < count; i++) {
        const result = documents.result(first + i);
        block.results.push(result);
        block.offsets.push(documents.start(first + i) - head);
        // A document with nothing to say costs one test, not a position lookup: with a registries file
        // most of 5,000 documents have no diagnostic, and looking each up cost every keystroke 1–2 ms of CPU.
        if (!hasDiagnostics(result, hasRemote)) continue;
        if (pointsElsewhere(result, input.filePath)) block.keepable = false;
        if (hasRemote) {
          for (const diagnostic of this.documentDiagnostics(documents.at(first + i), input, related)) addPlace(block, (diagnostic as WithCause)[CAUSE], diagnostic, i, -1);
        } else {
          // Converted when marked: a document's diagnostics are its findings, one for one, in order.
          (result.findings ?? []).forEach((finding, item) => addPlace(block, this.causes.of(finding), undefined, i, item));
        }
      }
      blocks.push(block);
    }
    this.kept.set(input.uri, blocks);
    return blocks;
  }

  private documentDiagnostics(analyzed: AnalyzedDocument, input: AssemblyInput, related: (file: string) => TextDocument | undefined): Diagnostic[] {
    const { document, uri } = input;
    const startLine = document.positionAt(analyzed.start).line;
    let cached = this.converted.get(analyzed.result);
    if (!cached) {
      const shift = { file: input.filePath, delta: analyzed.start };
      const local = (analyzed.result.findings ?? []).map((finding) => this.convert(finding, document, related, shift));
      cached = { startLine, local };
      // Findings with related places in other files follow those files: not kept.
      if (!pointsElsewhere(analyzed.result, input.filePath)) this.converted.set(analyzed.result, cached);
    } else if (cached.startLine !== startLine) {
      const lines = startLine - cached.startLine;
      cached = { startLine, local: shiftDiagnostics(cached.local, lines, uri), ...(cached.remote ? { remote: { findings: cached.remote.findings, diagnostics: shiftDiagnostics(cached.remote.diagnostics, lines, uri) } } : {}) };
      this.converted.set(analyzed.result, cached);
    }
    if (!input.remote || input.remote.size === 0) return cached.local;
    if (cached.remote?.findings !== input.remote) {
      const placed = placeRemoteFindings(input.remote, analyzed.result.images);
      const text = placed.length > 0 ? document.getText({ start: document.positionAt(analyzed.start), end: document.positionAt(analyzed.end) }) : '';
      const shift = { file: input.filePath, delta: analyzed.start };
      const diagnostics = finalizeFor(text, placed, input.filePath, input.env).map((finding) => this.convert(finding, document, related, shift));
      cached.remote = { findings: input.remote, diagnostics };
    }
    if (cached.remote.diagnostics.length === 0) return cached.local;
    return [...cached.local, ...cached.remote.diagnostics].sort(byPosition);
  }

  /** Findings converted as they are (a registries file's, a file's single limit finding). */
  convertAll(uri: string, findings: readonly Finding[], document: TextDocument): Diagnostic[] {
    const related = this.relatedDocuments(uri, document);
    return findings.map((finding) => this.convert(finding, document, related));
  }

  /** `shift`: the finding's offsets are relative to a document `delta` into the file (findingToDiagnostic). */
  private convert(finding: Finding, document: TextDocument, related: (file: string) => TextDocument | undefined, shift?: { file: string; delta: number }): Diagnostic {
    const diagnostic = findingToDiagnostic(finding, document, related, shift);
    if (!this.relatedInformation()) delete diagnostic.relatedInformation;
    (diagnostic as WithCause)[CAUSE] = this.causes.of(finding);
    return diagnostic;
  }

  /** Other files' documents for related information, read once per assembly. */
  private relatedDocuments(uri: string, document: TextDocument): (file: string) => TextDocument | undefined {
    const known = new Map<string, TextDocument | undefined>();
    return (file) => {
      if (known.has(file)) return known.get(file);
      const fileUri = this.pathToUri(file);
      let found: TextDocument | undefined = fileUri === uri ? document : undefined;
      if (!found) {
        const text = this.readTextSync(file);
        found = text === undefined ? undefined : this.createDocument(fileUri, text);
      }
      known.set(file, found);
      return found;
    };
  }
}
