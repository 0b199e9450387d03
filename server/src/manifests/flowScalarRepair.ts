/**
 * Multi-line quoted scalars inside a flow collection whose lines are not indented deeper than the line
 * that opened the collection — Argo's classic
 *
 *     args: ["
 *       apk add curl && ...
 *     "]
 *
 * libyaml (kubectl, Helm, Argo, KOTS) reads this; a strict YAML 1.2 parser such as `yaml` does not, and
 * reports a "Missing closing quote" (false: the quote is closed) followed by a cascade that loses the rest
 * of the document. Here the cause is found, reported once with what is really wrong, and the document is
 * read as libyaml reads it, so the images after it are still found.
 */
import type { YamlSyntaxError } from '../findings/types';

export interface UnderIndentedFlowScalar {
  /** The opening quote. */
  open: number;
  /** The closing quote. */
  close: number;
  /** The first line of the scalar indented no deeper than the line that opened the flow collection. */
  lineStart: number;
  lineEnd: number;
  /** That opening line's indentation. */
  flowIndent: number;
}

export const FLOW_SCALAR_INDENT = 'FLOW_SCALAR_INDENT';

/**
 * The quoted scalars of `source` that sit in a flow collection and continue on a line indented no deeper
 * than the line holding the collection's outermost bracket. Block scalars' content and comments are
 * skipped; a quote or bracket counts only where a value can start, as a YAML reader sees it.
 */
export function underIndentedFlowScalars(source: string): UnderIndentedFlowScalar[] {
  const found: UnderIndentedFlowScalar[] = [];
  let flowDepth = 0;
  let flowIndent = 0;
  let lineIndent = 0;
  let atValueStart = true;
  let i = 0;
  const length = source.length;
  while (i < length) {
    const c = source.charCodeAt(i);
    if (c === 10) {
      i++;
      lineIndent = indentAt(source, i);
      atValueStart = true;
      continue;
    }
    if (c === 32 || c === 9 || c === 13) {
      i++;
      continue;
    }
    if (c === 35 /* # */ && (i === 0 || /\s/.test(source[i - 1] as string))) {
      const newline = source.indexOf('\n', i);
      i = newline < 0 ? length : newline;
      continue;
    }
    if (atValueStart && (c === 34 || c === 39)) {
      const scalar = closeOfQuoted(source, i);
      if (scalar === undefined) return found; // unclosed for real: the parser's own error says so
      if (flowDepth > 0) {
        const bad = firstLineIndentedAtMost(source, i, scalar, flowIndent);
        if (bad) found.push({ open: i, close: scalar, lineStart: bad.start, lineEnd: bad.end, flowIndent });
      }
      i = scalar + 1;
      atValueStart = false;
      continue;
    }
    if ((c === 124 || c === 62) && atValueStart && flowDepth === 0) {
      i = endOfBlockScalar(source, i, lineIndent);
      lineIndent = indentAt(source, i);
      continue;
    }
    if ((c === 91 || c === 123) && (atValueStart || flowDepth > 0)) {
      if (flowDepth === 0) flowIndent = lineIndent;
      flowDepth++;
      atValueStart = true;
      i++;
      continue;
    }
    if ((c === 93 || c === 125) && flowDepth > 0) {
      flowDepth--;
      atValueStart = false;
      i++;
      continue;
    }
    if (c === 44 && flowDepth > 0) {
      atValueStart = true;
      i++;
      continue;
    }
    if ((c === 58 || c === 45 || c === 63) && (i + 1 >= length || /\s/.test(source[i + 1] as string) || (flowDepth > 0 && c === 58))) {
      atValueStart = true;
      i++;
      continue;
    }
    atValueStart = false;
    i++;
  }
  return found;
}

/**
 * `source` with the line breaks inside each scalar turned into spaces: same length, so every offset
 * still points at the same character, and the scalar now sits on one line as libyaml reads it.
 */
export function joinScalarLines(source: string, scalars: readonly UnderIndentedFlowScalar[]): string {
  let out = '';
  let from = 0;
  for (const scalar of scalars) {
    out += source.slice(from, scalar.open) + source.slice(scalar.open, scalar.close + 1).replace(/[\r\n]/g, ' ');
    from = scalar.close + 1;
  }
  return out + source.slice(from);
}

/** The one finding per such scalar: what is wrong, who accepts it, what to do. */
export function flowScalarError(source: string, scalar: UnderIndentedFlowScalar, offset: number): YamlSyntaxError {
  const line = (text: string, at: number): number => {
    let count = 1;
    for (let i = text.indexOf('\n'); i >= 0 && i < at; i = text.indexOf('\n', i + 1)) count++;
    return count;
  };
  const openLine = line(source, scalar.open);
  const badLine = line(source, scalar.lineStart);
  const content = scalar.lineStart + indentAt(source, scalar.lineStart);
  return {
    start: offset + content,
    end: offset + Math.max(content + 1, scalar.lineEnd),
    message:
      `The quoted value opened on line ${openLine} continues on line ${badLine}, indented no deeper than the line of its \`[\` (${scalar.flowIndent} spaces): ` +
      'libyaml-based tools (kubectl, Helm, Argo, KOTS) accept this, YAML 1.2 parsers and editors reject it. ' +
      'Indent those lines deeper, or write the value as a block scalar (`- |`)',
    parserCode: FLOW_SCALAR_INDENT,
  };
}

function indentAt(source: string, lineStart: number): number {
  let i = lineStart;
  while (i < source.length && source.charCodeAt(i) === 32) i++;
  return i - lineStart;
}

/** The closing quote of the quoted scalar opened at `open`, or undefined when it never closes. */
function closeOfQuoted(source: string, open: number): number | undefined {
  const quote = source.charCodeAt(open);
  for (let i = open + 1; i < source.length; i++) {
    const c = source.charCodeAt(i);
    if (quote === 34 && c === 92 /* \ */) {
      i++;
      continue;
    }
    if (c !== quote) continue;
    if (quote === 39 && source.charCodeAt(i + 1) === 39) {
      i++;
      continue;
    }
    return i;
  }
  return undefined;
}

/** The first non-blank continuation line of source(open, close] indented at most `indent` spaces. */
function firstLineIndentedAtMost(source: string, open: number, close: number, indent: number): { start: number; end: number } | undefined {
  for (let newline = source.indexOf('\n', open); newline >= 0 && newline < close; newline = source.indexOf('\n', newline + 1)) {
    const start = newline + 1;
    let end = source.indexOf('\n', start);
    if (end < 0) end = source.length;
    const lineIndent = indentAt(source, start);
    const first = start + lineIndent;
    if (first >= end || source.charCodeAt(first) === 13) continue; // blank line
    if (lineIndent <= indent) {
      let contentEnd = end;
      if (contentEnd > start && source.charCodeAt(contentEnd - 1) === 13) contentEnd--;
      return { start, end: contentEnd };
    }
  }
  return undefined;
}

/** Past a block scalar's header and every following line indented deeper than `indent` (or blank). */
function endOfBlockScalar(source: string, header: number, indent: number): number {
  let lineEnd = source.indexOf('\n', header);
  if (lineEnd < 0) return source.length;
  for (;;) {
    const start = lineEnd + 1;
    if (start >= source.length) return source.length;
    let end = source.indexOf('\n', start);
    if (end < 0) end = source.length;
    const lineIndent = indentAt(source, start);
    const blank = start + lineIndent >= end || source.charCodeAt(start + lineIndent) === 13;
    if (!blank && lineIndent <= indent) return start;
    lineEnd = end;
    if (end >= source.length) return source.length;
  }
}
