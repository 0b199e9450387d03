/**
 * The open-document text model. vscode-languageserver-textdocument keeps one string per document and
 * applies an incremental edit as `before + newText + after`; the next edit (or the next read of the
 * text) makes V8 flatten that 3 MB rope into a fresh copy — about 30 ms per keystroke on a
 * 5,000-document manifest, most of the edit-to-diagnostics time. Here the text is a list of chunks
 * of about CHUNK_SIZE characters: an edit rebuilds only the chunk(s) it touches, the analysis reads
 * the edited region with `slice`, and the whole text is joined only when someone asks for it
 * (`getText()`, then cached for that version).
 *
 * Versions are immutable (an edit returns a new document sharing the untouched chunks), so an
 * analysis cache may keep the previous version to compare against. Positions behave exactly as in
 * vscode-languageserver-textdocument (UTF-16 offsets; `\n`, `\r\n` and `\r` end lines).
 */
import type { Position, Range, TextDocument, TextDocumentContentChangeEvent } from 'vscode-languageserver-textdocument';

/** Chunk size aimed at: an edit copies at most about twice this, and a 3 MB text has about 200 chunks. */
const CHUNK_SIZE = 16 * 1024;
const LF = 10;
const CR = 13;

/** Line starts, sorted; a typed array so that an edit's copy of 150,000 of them is one memcpy and an add loop. */
type LineOffsets = Uint32Array;

/**
 * Offsets where lines start in `text` (plus `textOffset`); the first line's start only when `isAtLineStart`.
 * Searched with indexOf (native) rather than a charCodeAt loop: 5 ms instead of 25 ms on a 4 MB text.
 */
function computeLineOffsets(text: string, isAtLineStart: boolean, textOffset = 0): number[] {
  const result: number[] = isAtLineStart ? [textOffset] : [];
  if (text.indexOf('\r') < 0) {
    for (let at = text.indexOf('\n'); at >= 0; at = text.indexOf('\n', at + 1)) result.push(textOffset + at + 1);
    return result;
  }
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch === CR || ch === LF) {
      if (ch === CR && i + 1 < text.length && text.charCodeAt(i + 1) === LF) i++;
      result.push(textOffset + i + 1);
    }
  }
  return result;
}

/**
 * A whole text's line starts, written straight into a typed array that doubles as it fills: on opening
 * the 4.3 MB benchmark file (150,000 lines, code not yet optimized) this is about a third faster than
 * pushing to an array and copying it into a Uint32Array (computeLineOffsets + Uint32Array.from).
 */
function lineOffsetsOf(text: string): LineOffsets {
  if (text.indexOf('\r') >= 0) return Uint32Array.from(computeLineOffsets(text, true));
  let out = new Uint32Array(Math.max(16, text.length >> 5));
  let count = 1;
  for (let at = text.indexOf('\n'); at >= 0; at = text.indexOf('\n', at + 1)) {
    if (count === out.length) {
      const grown = new Uint32Array(out.length * 2);
      grown.set(out);
      out = grown;
    }
    out[count++] = at + 1;
  }
  return out.slice(0, count);
}

function splitIntoChunks(text: string): string[] {
  if (text.length <= CHUNK_SIZE) return [text];
  const chunks: string[] = [];
  for (let at = 0; at < text.length; at += CHUNK_SIZE) chunks.push(text.slice(at, at + CHUNK_SIZE));
  return chunks;
}

function chunkStartsOf(chunks: readonly string[]): number[] {
  const starts: number[] = new Array<number>(chunks.length);
  let at = 0;
  for (let i = 0; i < chunks.length; i++) {
    starts[i] = at;
    at += (chunks[i] as string).length;
  }
  return starts;
}

/** Greatest index i with sorted[i] <= value (0 when none). */
function indexAtOrBefore(sorted: ArrayLike<number>, value: number): number {
  let low = 0;
  let high = sorted.length - 1;
  while (low < high) {
    const middle = (low + high + 1) >> 1;
    if ((sorted[middle] as number) <= value) low = middle;
    else high = middle - 1;
  }
  return low;
}

export class ChunkedTextDocument implements TextDocument {
  private joined: string | undefined;
  /** Whether `joined` is the text the document was created from, which every chunk until edited is a slice of. */
  private joinedIsCreationText = false;

  private constructor(
    readonly uri: string,
    readonly languageId: string,
    readonly version: number,
    private readonly chunks: readonly string[],
    private readonly chunkStarts: readonly number[],
    private readonly lineOffsets: LineOffsets,
    /** Total length in UTF-16 code units. */
    readonly length: number,
  ) {}

  static create(uri: string, languageId: string, version: number, content: string): ChunkedTextDocument {
    const chunks = splitIntoChunks(content);
    const document = new ChunkedTextDocument(uri, languageId, version, chunks, chunkStartsOf(chunks), lineOffsetsOf(content), content.length);
    document.joined = content;
    document.joinedIsCreationText = true;
    return document;
  }

  /** The document after `changes` (applied in order), as version `version`. This document is unchanged. */
  static update(document: ChunkedTextDocument, changes: readonly TextDocumentContentChangeEvent[], version: number): ChunkedTextDocument {
    let current = document;
    for (const change of changes) {
      if ('range' in change) {
        // A reversed range is taken as written the other way round, as vscode-languageserver-textdocument does.
        const from = current.offsetAt(change.range.start);
        const to = current.offsetAt(change.range.end);
        const start = Math.min(from, to);
        const end = Math.max(from, to);
        current = current.replaced(start, end, change.text, version);
      } else {
        current = ChunkedTextDocument.create(current.uri, current.languageId, version, change.text);
      }
    }
    return current.version === version ? current : current.withVersion(version);
  }

  get lineCount(): number {
    return this.lineOffsets.length;
  }

  getText(range?: Range): string {
    if (range) return this.slice(this.offsetAt(range.start), this.offsetAt(range.end));
    this.joined ??= this.chunks.join('');
    return this.joined;
  }

  /** Text between two offsets, read from the chunks (the whole text is not joined for it). */
  slice(start: number, end: number = this.length): string {
    const from = Math.max(0, Math.min(start, this.length));
    const to = Math.max(from, Math.min(end, this.length));
    if (this.joined !== undefined) return this.joined.slice(from, to);
    if (from === to) return '';
    let index = indexAtOrBefore(this.chunkStarts, from);
    let out = '';
    while (index < this.chunks.length) {
      const chunkStart = this.chunkStarts[index] as number;
      if (chunkStart >= to) break;
      const chunk = this.chunks[index] as string;
      out += chunk.slice(Math.max(0, from - chunkStart), Math.min(chunk.length, to - chunkStart));
      index++;
    }
    return out;
  }

  /**
   * `slice`, for a string kept after this version is gone (an analysis result). A slice of a big string
   * keeps all of it alive, so this is a private copy — except while this version is the text the
   * document was created from: its chunks are slices of that text already, so a slice of it keeps
   * nothing more alive (at most that one text, once every chunk has been edited), and the copy is
   * saved. On opening the 4.3 MB benchmark file the copies were 4.3 MB of short-lived-looking strings
   * that every young-generation GC of the first pass copied again (10 ms, and 4 of the 16 MB the first
   * pass's results hold).
   */
  sliceToKeep(start: number, end: number = this.length): string {
    if (this.joinedIsCreationText && this.joined !== undefined) return this.joined.slice(start, end);
    return (' ' + this.slice(start, end)).slice(1);
  }

  positionAt(offset: number): Position {
    const clamped = Math.max(Math.min(offset, this.length), 0);
    const line = indexAtOrBefore(this.lineOffsets, clamped);
    const lineOffset = this.lineOffsets[line] as number;
    return { line, character: this.ensureBeforeEndOfLine(clamped, lineOffset) - lineOffset };
  }

  offsetAt(position: Position): number {
    if (position.line >= this.lineOffsets.length) return this.length;
    if (position.line < 0) return 0;
    const lineOffset = this.lineOffsets[position.line] as number;
    if (position.character <= 0) return lineOffset;
    const nextLineOffset = position.line + 1 < this.lineOffsets.length ? (this.lineOffsets[position.line + 1] as number) : this.length;
    const offset = Math.min(lineOffset + position.character, nextLineOffset);
    return this.ensureBeforeEndOfLine(offset, lineOffset);
  }

  /** As vscode-languageserver-textdocument: a character past the end of a line stops before its line break. */
  private ensureBeforeEndOfLine(offset: number, lineOffset: number): number {
    while (offset > lineOffset && this.isEndOfLine(offset - 1)) offset--;
    return offset;
  }

  private isEndOfLine(offset: number): boolean {
    const index = indexAtOrBefore(this.chunkStarts, offset);
    const code = (this.chunks[index] as string).charCodeAt(offset - (this.chunkStarts[index] as number));
    return code === CR || code === LF;
  }

  private withVersion(version: number): ChunkedTextDocument {
    const document = new ChunkedTextDocument(this.uri, this.languageId, version, this.chunks, this.chunkStarts, this.lineOffsets, this.length);
    document.joined = this.joined;
    document.joinedIsCreationText = this.joinedIsCreationText;
    return document;
  }

  /** This text with [start, end) replaced by `text`. */
  private replaced(start: number, end: number, text: string, version: number): ChunkedTextDocument {
    // Chunks: rebuild only those the edit touches.
    const first = indexAtOrBefore(this.chunkStarts, start);
    let last = indexAtOrBefore(this.chunkStarts, end);
    // An edit ending exactly where a chunk starts leaves that chunk alone.
    if (last > first && (this.chunkStarts[last] as number) === end) last--;
    const firstChunk = this.chunks[first] as string;
    const lastChunk = this.chunks[last] as string;
    const rebuilt = firstChunk.slice(0, start - (this.chunkStarts[first] as number)) + text + lastChunk.slice(end - (this.chunkStarts[last] as number));
    const pieces = rebuilt.length > 2 * CHUNK_SIZE ? splitIntoChunks(rebuilt) : rebuilt === '' && this.chunks.length > 1 ? [] : [rebuilt];
    const chunks = [...this.chunks.slice(0, first), ...pieces, ...this.chunks.slice(last + 1)];
    if (chunks.length === 0) chunks.push('');

    // Line starts: those inside the replaced range go, the new text's come in, later ones shift.
    const delta = text.length - (end - start);
    const startLine = indexAtOrBefore(this.lineOffsets, start);
    const endLine = indexAtOrBefore(this.lineOffsets, end);
    const added = computeLineOffsets(text, false, start);
    const kept = this.lineOffsets.length - (endLine + 1);
    const lineOffsets = new Uint32Array(startLine + 1 + added.length + kept);
    lineOffsets.set(this.lineOffsets.subarray(0, startLine + 1));
    lineOffsets.set(added, startLine + 1);
    const shiftedFrom = startLine + 1 + added.length;
    if (delta === 0) lineOffsets.set(this.lineOffsets.subarray(endLine + 1), shiftedFrom);
    else for (let i = 0; i < kept; i++) lineOffsets[shiftedFrom + i] = (this.lineOffsets[endLine + 1 + i] as number) + delta;

    return new ChunkedTextDocument(this.uri, this.languageId, version, chunks, chunkStartsOf(chunks), lineOffsets, this.length + delta);
  }
}
