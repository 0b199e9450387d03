/**
 * The slow, exact path: one document parsed with `yaml` and turned into the same YNode tree the fast
 * scanner builds. Used for documents the fast scanner cannot decide, and by the fuzz test as the oracle.
 *
 * Hostile input is bounded here (server/src/limits/inputLimits.ts has the measurements): a document
 * larger than `fullParseDocumentBytes` or nested deeper than `nestingDepth` is not parsed, and alias
 * expansion stops after `aliasExpansionNodes` nodes (a 487-byte "billion laughs" would otherwise
 * expand to 387 million). Each bound reached is reported once, as an `ANALYSIS_LIMIT` error that the
 * `analysis-limit` rule shows. Aliases are resolved with one pass over the document: `yaml`'s own
 * `Alias.resolve` walks the whole document per alias, which made 14,000 aliases take 21 s.
 */
import { isAlias, isMap, isScalar, isSeq, parseDocument, visit, type Alias, type Document, type Node } from 'yaml';
import { ANALYSIS_LIMIT_CODE, type YamlSyntaxError } from '../analysis/types';
import { formatBytes, INPUT_LIMITS } from '../limits/inputLimits';
import { nestingDeeperThan } from '../limits/nestingDepth';
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
  const refused = refusedDocument(text, start, end);
  if (refused) return { root: null, hasErrors: true, errors: [refused] };
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
  const root = converter.convert(doc.contents, 0);
  const hasErrors = doc.errors.length > 0;
  const errors = hasErrors ? locateSyntaxErrors(doc.errors, source, start) : [];
  if (converter.limitHit) errors.push(converter.limitHit);
  return { root, hasErrors: hasErrors || converter.limitHit !== undefined, errors };
}

/** A document too large or too deep to hand to `yaml`, as the one limit error that says so. */
function refusedDocument(text: string, start: number, end: number): YamlSyntaxError | undefined {
  const size = end - start;
  if (size > INPUT_LIMITS.fullParseDocumentBytes) {
    return limitError(
      start,
      lineEndAfter(text, start, end),
      `this YAML document is ${formatBytes(size)}, and documents over ${formatBytes(INPUT_LIMITS.fullParseDocumentBytes)} that need the exact YAML parser (anchors, multi-line values...) are not read, so its images are not checked`,
    );
  }
  const deep = nestingDeeperThan(text, start, end, INPUT_LIMITS.nestingDepth);
  if (deep !== undefined) {
    return limitError(deep, Math.min(end, deep + 1), `this YAML document nests deeper than ${INPUT_LIMITS.nestingDepth} levels here, so it is not read and its images are not checked`);
  }
  return undefined;
}

function lineEndAfter(text: string, start: number, end: number): number {
  const newline = text.indexOf('\n', start);
  return Math.max(start + 1, Math.min(end, newline < 0 ? end : newline));
}

export function limitError(start: number, end: number, message: string): YamlSyntaxError {
  return { start, end, message, parserCode: ANALYSIS_LIMIT_CODE };
}

/** Depth of YNode nesting built, alias hops included (the nesting pre-check bounds the source itself). */
const MAX_DEPTH = INPUT_LIMITS.nestingDepth;

class Converter {
  /** The alias expansion bound, once reached (then no further alias is expanded). */
  limitHit: YamlSyntaxError | undefined;
  /** Nodes built while expanding aliases, against `aliasExpansionNodes`. */
  private expanded = 0;
  /** How many aliases enclose the node being converted. */
  private aliasNesting = 0;
  private targets: Map<Alias, Node> | undefined;

  constructor(
    private readonly doc: Document,
    private readonly source: string,
    private readonly offset: number,
  ) {}

  convert(node: unknown, depth: number): YNode | null {
    if (node === null || node === undefined || depth > MAX_DEPTH) return null;
    if (this.aliasNesting > 0 && ++this.expanded > INPUT_LIMITS.aliasExpansionNodes) return null;
    if (isAlias(node)) return this.expand(node, depth);
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

  private expand(alias: Alias, depth: number): YNode | null {
    if (this.limitHit) return null;
    const target = this.anchorTargets().get(alias);
    if (!target) return null;
    this.aliasNesting++;
    let converted: YNode | null;
    try {
      converted = this.convert(target, depth + 1);
    } finally {
      this.aliasNesting--;
    }
    if (this.expanded > INPUT_LIMITS.aliasExpansionNodes && !this.limitHit) {
      const [start, end] = alias.range ?? [0, 1];
      this.limitHit = limitError(
        this.offset + start,
        this.offset + Math.max(end, start + 1),
        `the aliases of this YAML document expand to more than ${INPUT_LIMITS.aliasExpansionNodes.toLocaleString('en-US')} nodes (an alias bomb?); aliases from here on are not expanded, so images under them are not checked`,
      );
    }
    return converted;
  }

  /** Each alias → the last node anchored with its name before it (YAML 1.2 §3.2.2.2), found in one walk. */
  private anchorTargets(): Map<Alias, Node> {
    if (this.targets) return this.targets;
    const targets = new Map<Alias, Node>();
    const anchors = new Map<string, Node>();
    visit(this.doc, {
      Node: (_key, node) => {
        if (isAlias(node)) {
          const target = anchors.get(node.source);
          if (target) targets.set(node, target);
        } else if (node.anchor) {
          anchors.set(node.anchor, node);
        }
      },
    });
    this.targets = targets;
    return targets;
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
