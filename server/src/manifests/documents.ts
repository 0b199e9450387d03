/** Splitting a multi-document YAML text into documents, by `---` / `...` markers at column 0. */
import type { DocumentRange } from '../findings/types';

/**
 * Document extents, in order, covering the whole text. A `---` line belongs to the document it opens;
 * a `...` line to the document it closes. Cheap, so the language server can re-parse only the document
 * an edit touched: inside a document that has content, only a line starting with `---` or `...` can
 * change anything, and those are found with `indexOf` (native) instead of visiting every line —
 * visiting the 162,000 lines of the 4.3 MB benchmark manifest one by one cost 10–12 ms of a cold open.
 */
export function splitDocuments(text: string): DocumentRange[] {
  const ranges: DocumentRange[] = [];
  const dashes = new MarkerLines(text, '---');
  const dots = new MarkerLines(text, '...');
  let documentStart = 0;
  let lineStart = 0;
  let hasContent = false;
  const length = text.length;
  while (lineStart < length) {
    if (hasContent) {
      // Nothing but a marker line ends or splits a document that has content.
      lineStart = Math.min(dashes.next(lineStart), dots.next(lineStart));
      if (lineStart >= length) break;
    }
    let newline = text.indexOf('\n', lineStart);
    if (newline < 0) newline = length;
    const c = text.charCodeAt(lineStart);
    if ((c === 45 || c === 46) && isMarker(text, lineStart, newline, c === 45 ? '---' : '...')) {
      if (c === 45) {
        if (hasContent) {
          ranges.push({ start: documentStart, end: lineStart });
          documentStart = lineStart;
        }
        hasContent = true;
      } else {
        const end = Math.min(length, newline + 1);
        ranges.push({ start: documentStart, end });
        documentStart = end;
        hasContent = false;
      }
    } else if (!hasContent && c !== 37 /* % */ && !isBlankOrComment(text, lineStart, newline)) {
      // A directive (`%YAML 1.2`) belongs to the document its `---` opens: on its own it is no document.
      hasContent = true;
    }
    lineStart = newline + 1;
  }
  if (documentStart < length || ranges.length === 0) ranges.push({ start: documentStart, end: length });
  return ranges;
}

/**
 * Whether splitDocuments ends a document at the end of `text` whatever comes after `following` (the start
 * of the text after it: its first four characters are enough), so a split of `text` alone can be joined to
 * the old split of what follows (the language server re-splits only the documents around an edit, issue 12).
 * `lastStart` is where the last of splitDocuments(text) starts. True when nothing follows; when the last line
 * is `...` (it closes the document); or when the last document has content and `following` opens with `---`.
 * Otherwise the two run on into each other: comment, blank and directive lines after a `...` belong to the
 * next document (the `---` after them opens that document, not another one), and a document with content
 * takes in every line up to the next marker.
 */
export function endsBefore(text: string, lastStart: number, following: string): boolean {
  if (following.length === 0) return true;
  const end = text.length;
  const lastLineEnd = text.charCodeAt(end - 1) === 10 ? end - 1 : end;
  const lastLine = text.lastIndexOf('\n', lastLineEnd - 1) + 1;
  if (isMarker(text, lastLine, lastLineEnd, '...')) return true;
  const followingLineEnd = following.indexOf('\n');
  if (!isMarker(following, 0, followingLineEnd < 0 ? following.length : followingLineEnd, '---')) return false;
  // Content: any line but a directive, a comment or a blank one (a document that has content ends with no `...` inside it).
  for (let lineStart = lastStart; lineStart < end; ) {
    let newline = text.indexOf('\n', lineStart);
    if (newline < 0) newline = end;
    if (text.charCodeAt(lineStart) !== 37 /* % */ && !isBlankOrComment(text, lineStart, newline)) return true;
    lineStart = newline + 1;
  }
  return false;
}

/**
 * The starts of lines that begin with `marker` (`---` or `...`: candidates), at or after a line start.
 * The next one is kept until passed, so a text without `...` is searched for it once, not once per document.
 */
class MarkerLines {
  private at = -1;
  private from = 0;

  constructor(
    private readonly text: string,
    private readonly marker: string,
  ) {}

  /** The first line start at or after `lineStart` (itself a line start) beginning with the marker; the text's length when none. */
  next(lineStart: number): number {
    if (this.at < lineStart || lineStart < this.from) {
      this.at = this.find(lineStart);
      this.from = lineStart;
    }
    return this.at;
  }

  private find(lineStart: number): number {
    if (this.text.startsWith(this.marker, lineStart)) return lineStart;
    const found = this.text.indexOf('\n' + this.marker, lineStart);
    return found < 0 ? this.text.length : found + 1;
  }
}

function isMarker(text: string, at: number, lineEnd: number, marker: string): boolean {
  if (!text.startsWith(marker, at)) return false;
  const after = at + 3;
  if (after >= lineEnd) return true;
  const code = text.charCodeAt(after);
  return code === 32 || code === 9 || code === 13;
}

function isBlankOrComment(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const code = text.charCodeAt(i);
    if (code === 32 || code === 9 || code === 13) continue;
    return code === 35;
  }
  return true;
}

/**
 * Offsets in text[start, end) of every line whose content starts with `{{` (`{{- if .Values.x }}`,
 * `{{ include "x" . | nindent 4 }}`): template actions that are not YAML until rendered. A document with
 * one is a template (a troubleshoot v1beta3 spec, a Helm-style file outside `templates/`), read leniently.
 * Inline expressions (`image: repl{{ ... }}`, `name: "{{ .Values.x }}"`) do not make a template: they sit
 * in values, which stay YAML.
 */
export function templateLineOffsets(text: string, start = 0, end = text.length): number[] {
  const offsets: number[] = [];
  forEachTemplateLine(text, start, end, (at) => {
    offsets.push(at);
    return true;
  });
  return offsets;
}

/** Whether text[start, end) has a template line (templateLineOffsets), found without collecting them. */
export function hasTemplateLine(text: string, start = 0, end = text.length): boolean {
  return !forEachTemplateLine(text, start, end, STOP);
}

const STOP = (): boolean => false;

/** Calls `found` with each template line's offset while it returns true; false when stopped early. */
function forEachTemplateLine(text: string, start: number, end: number, found: (at: number) => boolean): boolean {
  // Searched within the range only: `indexOf` from `start` runs on to the end of the text when the range
  // has no `{{`, so asking document by document (the language server) read the rest of a big file each
  // time — quadratic, about 1 s for the 5,000-document manifest (issue 12). A slice of a long string
  // shares its characters (no copy).
  const range = start === 0 && end === text.length ? text : text.slice(start, end);
  for (let at = range.indexOf('{{'); at >= 0; at = range.indexOf('{{', at + 2)) {
    let lineStart = at;
    while (lineStart > 0 && (range.charCodeAt(lineStart - 1) === 32 || range.charCodeAt(lineStart - 1) === 9)) lineStart--;
    if ((lineStart === 0 || range.charCodeAt(lineStart - 1) === 10) && !found(start + at)) return false;
  }
  return true;
}
