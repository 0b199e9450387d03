/**
 * YAML syntax errors of one document, as reported by `yaml`, placed on the offending characters.
 * Only documents the full parser reads anyway get here (the fast scanner hands every document it finds
 * structurally wrong to `yaml`), so valid manifests pay nothing for this.
 */
import type { YAMLError } from 'yaml';
import { yamlLibrary } from '../yaml/library';
import type { YamlSyntaxError } from '../findings/types';

const TEMPLATE_EXPRESSION = /\{\{[^\n]*?\}\}/g;

/**
 * `errors` (from parsing `source`, which starts at `offset` in the analyzed text) as located syntax
 * errors. Errors caused only by template expressions (`{{repl ...}}`, `{{ .Values.x }}` written
 * unquoted, which the template engine replaces before any YAML parser sees the file) are dropped.
 */
export function locateSyntaxErrors(errors: readonly YAMLError[], source: string, offset: number): YamlSyntaxError[] {
  let reported = errors;
  if (source.includes('{{')) {
    // Same-length filler keeps every offset; only the errors that remain without the templates count.
    const masked = source.replace(TEMPLATE_EXPRESSION, (expression) => 'x'.repeat(expression.length));
    if (masked !== source) reported = parseErrorsOf(masked);
  }
  const out: YamlSyntaxError[] = [];
  const seen = new Set<string>();
  for (const error of reported) {
    const [from, to] = placeError(error, source);
    const key = `${from}:${to}:${error.message}`;
    if (seen.has(key)) continue; // `yaml` repeats one error per nesting level (`[[[`)
    seen.add(key);
    out.push({ start: offset + from, end: offset + to, message: error.message, parserCode: error.code });
  }
  return out;
}

function parseErrorsOf(source: string): readonly YAMLError[] {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return yamlLibrary().parseDocument(source, { uniqueKeys: false, prettyErrors: false, strict: false }).errors;
  } finally {
    Error.stackTraceLimit = limit;
  }
}

/**
 * The range to underline. `yaml` reports an unclosed quote or flow collection where it gave up (the
 * end of the document); the author needs the character that was never closed, so those errors move
 * to the opener and run to the end of its line. Empty ranges are widened to one character.
 */
function placeError(error: YAMLError, source: string): [number, number] {
  let [from, to] = error.pos;
  if (/closing|end with|Flow (sequence|mapping)|flow collection/i.test(error.message)) {
    const opener = unclosedOpener(source, Math.min(from, source.length));
    if (opener !== undefined) {
      const newline = source.indexOf('\n', opener);
      let lineEnd = newline < 0 ? source.length : newline;
      if (lineEnd > opener && source.charCodeAt(lineEnd - 1) === 13) lineEnd--;
      return [opener, Math.max(opener + 1, lineEnd)];
    }
  }
  from = Math.max(0, Math.min(from, source.length));
  to = Math.max(from, Math.min(to, source.length));
  if (to === from) {
    // At the very end: underline the last non-blank character rather than nothing past the text.
    if (from >= source.length) {
      let last = source.length - 1;
      while (last > 0 && /\s/.test(source[last] as string)) last--;
      return [Math.max(0, last), Math.max(0, last) + 1];
    }
    to = from + 1;
  }
  return [from, to];
}

/**
 * The quote or outermost flow bracket still open at `until`, scanning like a YAML reader does: a quote
 * or bracket opens only where a value starts (line start, after `: `, `- `, `[`, `{`, `,`), comments
 * are skipped. Undefined when nothing is open (the error is elsewhere).
 */
export function unclosedOpener(source: string, until: number): number | undefined {
  const flow: number[] = [];
  let quote = 0;
  let quoteStart = -1;
  let atValueStart = true;
  for (let i = 0; i < until; i++) {
    const c = source.charCodeAt(i);
    if (quote !== 0) {
      if (quote === 34 && c === 92 /* \ */) i++;
      else if (c === quote) {
        if (quote === 39 && source.charCodeAt(i + 1) === 39) i++;
        else {
          quote = 0;
          atValueStart = false;
        }
      }
      continue;
    }
    if (c === 10) {
      atValueStart = true;
      continue;
    }
    if (c === 32 || c === 9 || c === 13) continue;
    if (c === 35 /* # */ && (i === 0 || /\s/.test(source[i - 1] as string))) {
      const newline = source.indexOf('\n', i);
      if (newline < 0 || newline >= until) break;
      i = newline - 1;
      continue;
    }
    if (atValueStart && (c === 34 || c === 39)) {
      quote = c;
      quoteStart = i;
      continue;
    }
    if ((c === 91 || c === 123) && (atValueStart || flow.length > 0)) {
      flow.push(i);
      atValueStart = true;
      continue;
    }
    if ((c === 93 || c === 125) && flow.length > 0) {
      flow.pop();
      atValueStart = false;
      continue;
    }
    if (c === 44 /* , */ && flow.length > 0) {
      atValueStart = true;
      continue;
    }
    if ((c === 58 /* : */ || c === 45 /* - */ || c === 63 /* ? */) && (i + 1 >= source.length || /\s/.test(source[i + 1] as string) || (flow.length > 0 && c === 58))) {
      atValueStart = true;
      continue;
    }
    atValueStart = false;
  }
  if (quote !== 0) return quoteStart;
  return flow[0];
}

/** C0 controls other than tab, LF and CR, and DEL: YAML forbids them anywhere in a stream. */
const CONTROL_CHARACTER = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/;

/**
 * The first forbidden control character of text[start, end), as an error (one per file or document: a
 * binary file would otherwise get hundreds). `yaml` accepts these silently, so the check is ours; one
 * regex pass.
 */
export function controlCharacterError(text: string, start: number, end: number): YamlSyntaxError | undefined {
  const whole = start === 0 && end === text.length;
  const match = CONTROL_CHARACTER.exec(whole ? text : text.slice(start, end));
  if (!match) return undefined;
  const at = start + match.index;
  const code = text.charCodeAt(at).toString(16).toUpperCase().padStart(4, '0');
  return {
    start: at,
    end: at + 1,
    message: `Control character U+${code} is not allowed in YAML (is this a binary file?)`,
    parserCode: 'CONTROL_CHARACTER',
  };
}
