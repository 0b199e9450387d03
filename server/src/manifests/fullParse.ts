/**
 * The slow, exact path: one document parsed with `yaml` and turned into the same YNode tree the fast
 * scanner builds. Used for documents the fast scanner cannot decide, and by the fuzz test as the oracle.
 */
import { isAlias, isMap, isScalar, isSeq, parseDocument, type Document } from 'yaml';
import type { YamlSyntaxError } from '../analysis/types';
import { locateSyntaxErrors } from './syntaxErrors';
import type { YNode, YScalar } from './yamlTree';

export interface FullParseResult {
  root: YNode | null;
  /** Whether `yaml` reported errors (the tree is then its best effort). */
  hasErrors: boolean;
  /** The syntax errors, placed in `text` (empty when the only "errors" come from template expressions). */
  errors: YamlSyntaxError[];
}

/** Parses text[start, end) (one document) with `yaml`; offsets in the result are offsets in `text`. */
export function parseDocumentFully(text: string, start: number, end: number): FullParseResult {
  const source = start === 0 && end === text.length ? text : text.slice(start, end);
  // Only the errors' existence is read, never their stacks: `yaml` builds an Error per problem, and on
  // broken documents capturing those stack traces cost as much as the parse. The parse is synchronous,
  // so the limit is restored before any other code runs.
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  let doc: Document;
  try {
    doc = parseDocument(source, { uniqueKeys: false, prettyErrors: false, strict: false });
  } finally {
    Error.stackTraceLimit = limit;
  }
  const converter = new Converter(doc, source, start);
  const hasErrors = doc.errors.length > 0;
  return { root: converter.convert(doc.contents, 0), hasErrors, errors: hasErrors ? locateSyntaxErrors(doc.errors, source, start) : [] };
}

const MAX_DEPTH = 200;

class Converter {
  constructor(
    private readonly doc: Document,
    private readonly source: string,
    private readonly offset: number,
  ) {}

  convert(node: unknown, depth: number): YNode | null {
    if (node === null || node === undefined || depth > MAX_DEPTH) return null;
    if (isAlias(node)) {
      const target = node.resolve(this.doc);
      return target ? this.convert(target, depth + 1) : null;
    }
    if (isScalar(node)) {
      const range = node.range;
      if (!range) return null;
      const [rangeStart, valueEnd] = range;
      const style = node.type === 'QUOTE_DOUBLE' ? 'double' : node.type === 'QUOTE_SINGLE' ? 'single' : node.type === 'BLOCK_FOLDED' || node.type === 'BLOCK_LITERAL' ? 'block' : 'plain';
      if (style === 'plain' && rangeStart === valueEnd) return null;
      if (style === 'block') {
        return { type: 'scalar', value: '', start: this.offset + rangeStart, end: this.offset + valueEnd, style, exact: false };
      }
      const quoted = style !== 'plain';
      const contentStart = quoted ? rangeStart + 1 : rangeStart;
      const contentEnd = quoted ? Math.max(contentStart, valueEnd - 1) : valueEnd;
      const raw = this.source.slice(contentStart, contentEnd);
      const value = typeof node.value === 'string' ? node.value : raw;
      const scalar: YScalar = { type: 'scalar', value: style === 'plain' && typeof node.value === 'string' ? node.value : value, start: this.offset + contentStart, end: this.offset + contentEnd, style, exact: raw === value };
      return scalar;
    }
    if (isMap(node)) {
      const keys: string[] = [];
      const values: Array<YNode | null> = [];
      for (const pair of node.items) {
        keys.push(this.keyText(pair.key));
        values.push(this.convert(pair.value, depth + 1));
      }
      return { type: 'map', keys, values };
    }
    if (isSeq(node)) {
      return { type: 'seq', items: node.items.map((item) => this.convert(item, depth + 1)) };
    }
    return null;
  }

  private keyText(key: unknown): string {
    if (isScalar(key)) {
      if (typeof key.value === 'string') return key.value;
      const range = key.range;
      return range ? this.source.slice(range[0], range[1]) : String(key.value);
    }
    return '';
  }
}
