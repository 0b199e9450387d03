/**
 * How deep a YAML text nests, measured in one linear pass before a recursive parser sees it: `yaml`
 * composes nested collections recursively, so 100,000 `[` overflow its stack. The measure is a close
 * over-estimate, which is all a bound needs: block nesting (the stack of indentations, plus each `- `
 * of a compact sequence) plus flow nesting (`[`/`{` outside quoted scalars and comments). Block
 * scalar (`|`, `>`) content is skipped, so brackets in an embedded script or JSON do not count.
 */

const SPACE = 32;
const TAB = 9;
const CR = 13;
const LF = 10;
const HASH = 35;

function isBlank(code: number): boolean {
  return code === SPACE || code === TAB;
}

/** Characters after which a quote opens a quoted scalar (elsewhere it is part of a plain scalar: `don't`). */
function opensToken(previous: number): boolean {
  return previous === SPACE || previous === TAB || previous === LF || previous === 91 || previous === 123 || previous === 44 || previous === 58 || previous === 45 || Number.isNaN(previous);
}

/**
 * The offset where text[start, end) first nests deeper than `limit`, or undefined when it never does.
 */
export function nestingDeeperThan(text: string, start: number, end: number, limit: number): number | undefined {
  const indents: number[] = [];
  let flow = 0;
  let position = start;
  /** While > -1: inside a block scalar whose header line was indented this much; deeper lines are its content. */
  let blockScalarIndent = -1;
  while (position < end) {
    let lineEnd = text.indexOf('\n', position);
    if (lineEnd < 0 || lineEnd > end) lineEnd = end;
    let content = position;
    while (content < lineEnd && isBlank(text.charCodeAt(content))) content++;
    const blank = content >= lineEnd || text.charCodeAt(content) === CR;
    const indent = content - position;
    if (blockScalarIndent >= 0) {
      if (blank || indent > blockScalarIndent) {
        position = lineEnd + 1;
        continue;
      }
      blockScalarIndent = -1;
    }
    if (blank || text.charCodeAt(content) === HASH) {
      position = lineEnd + 1;
      continue;
    }
    let depth: number;
    if (flow === 0) {
      while (indents.length > 0 && (indents[indents.length - 1] as number) >= indent) indents.pop();
      indents.push(indent);
      depth = indents.length;
      // `- - - a`: each dash of a compact sequence is one more level.
      let dash = content;
      while (dash + 1 < lineEnd && text.charCodeAt(dash) === 45 && isBlank(text.charCodeAt(dash + 1))) {
        depth++;
        dash += 2;
        while (dash < lineEnd && isBlank(text.charCodeAt(dash))) dash++;
      }
    } else {
      depth = indents.length;
    }
    if (depth + flow > limit) return content;
    let lastContent = -1;
    for (let i = content; i < lineEnd; i++) {
      const code = text.charCodeAt(i);
      if (code === HASH && (i === content || isBlank(text.charCodeAt(i - 1)))) break;
      if ((code === 34 || code === 39) && opensToken(i === start ? NaN : text.charCodeAt(i - 1))) {
        const close = closingQuote(text, i, end, code);
        // Unterminated: count on as if the quote were text (an over-estimate is safe, skipping is not).
        if (close < 0) continue;
        if (close >= lineEnd) {
          // A quoted scalar over several lines: continue after it, on the line where it closes.
          lineEnd = text.indexOf('\n', close);
          if (lineEnd < 0 || lineEnd > end) lineEnd = end;
        }
        i = close;
        lastContent = close;
        continue;
      }
      if (code === 91 || code === 123) {
        flow++;
        if (depth + flow > limit) return i;
      } else if ((code === 93 || code === 125) && flow > 0) {
        flow--;
      }
      if (!isBlank(code) && code !== CR) lastContent = i;
    }
    // A block scalar header (`key: |`, `- >-`, `|2+`) ends the line: the lines under it are text.
    if (flow === 0 && lastContent >= content) {
      let header = lastContent;
      while (header > content && /[0-9+-]/.test(text[header] ?? '')) header--;
      const indicator = text.charCodeAt(header);
      if ((indicator === 124 || indicator === 62) && (header === content || isBlank(text.charCodeAt(header - 1)))) blockScalarIndent = indent;
    }
    position = lineEnd + 1;
  }
  return undefined;
}

/** Offset of the quote closing the scalar opened at `open`, or -1. */
function closingQuote(text: string, open: number, end: number, quote: number): number {
  for (let i = open + 1; i < end; i++) {
    const code = text.charCodeAt(i);
    if (quote === 34 && code === 92 /* \ */) {
      i++;
      continue;
    }
    if (code === quote) {
      if (quote === 39 && text.charCodeAt(i + 1) === 39) {
        i++;
        continue;
      }
      return i;
    }
  }
  return -1;
}
