/**
 * The slow, exact path: one document parsed with `yaml` and turned into the same YNode tree the fast
 * scanner builds. Used for documents the fast scanner cannot decide, and by the fuzz test as the oracle.
 */
import { isAlias, isMap, isScalar, isSeq, parseDocument, type Alias, type Document } from 'yaml';
import type { YamlSyntaxError } from '../analysis/types';
import { flowScalarError, joinScalarLines, underIndentedFlowScalars } from './flowScalarRepair';
import { locateSyntaxErrors } from './syntaxErrors';
import { blockContentExtent, type YNode, type YScalar } from './yamlTree';

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
  const doc = parseQuietly(source);
  if (doc.errors.length === 0) return { root: new Converter(doc, source, start).convert(doc.contents, 0), hasErrors: false, errors: [] };
  const repaired = repairFlowScalars(source, doc, start);
  if (repaired) return repaired;
  return { root: new Converter(doc, source, start).convert(doc.contents, 0), hasErrors: true, errors: locateSyntaxErrors(doc.errors, source, start) };
}

function parseQuietly(source: string): Document {
  // Only the errors' existence is read, never their stacks: `yaml` builds an Error per problem, and on
  // broken documents capturing those stack traces cost as much as the parse. The parse is synchronous,
  // so the limit is restored before any other code runs.
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return parseDocument(source, { uniqueKeys: false, prettyErrors: false, strict: false });
  } finally {
    Error.stackTraceLimit = limit;
  }
}

/**
 * A document whose only trouble starts with a multi-line quoted scalar in a flow collection indented as
 * libyaml allows (flowScalarRepair.ts): one finding per such scalar, the rest read as libyaml reads it.
 * Undefined when that is not the cause (the parser's own errors stand).
 */
function repairFlowScalars(source: string, doc: Document, offset: number): FullParseResult | undefined {
  if (!doc.errors.some((error) => error.code === 'MISSING_CHAR' && /quote/i.test(error.message))) return undefined;
  const scalars = underIndentedFlowScalars(source);
  if (scalars.length === 0) return undefined;
  const joined = joinScalarLines(source, scalars);
  const repaired = parseQuietly(joined);
  if (repaired.errors.length >= doc.errors.length) return undefined;
  const errors = scalars.map((scalar) => flowScalarError(source, scalar, offset));
  if (repaired.errors.length > 0) errors.push(...locateSyntaxErrors(repaired.errors, joined, offset));
  return { root: new Converter(repaired, joined, offset).convert(repaired.contents, 0), hasErrors: true, errors };
}

const MAX_DEPTH = 200;

/** A plain `<<` key: the YAML 1.1 merge key, which Compose and most Kubernetes tooling (libyaml) honour. */
function isMergeKey(key: unknown): boolean {
  return isScalar(key) && key.type === 'PLAIN' && key.value === '<<';
}

/**
 * Merge-key semantics: the map's own keys win, then the sources in the order written (the first
 * source that has a key wins).
 */
function mergeInto(keys: string[], values: Array<YNode | null>, sources: YNode[]): void {
  const present = new Set(keys);
  for (const source of sources) {
    if (source.type !== 'map') continue;
    source.keys.forEach((key, index) => {
      if (present.has(key)) return;
      present.add(key);
      keys.push(key);
      values.push(source.values[index] ?? null);
    });
  }
}

class Converter {
  constructor(
    private readonly doc: Document,
    private readonly source: string,
    private readonly offset: number,
  ) {}

  convert(node: unknown, depth: number): YNode | null {
    if (node === null || node === undefined || depth > MAX_DEPTH) return null;
    if (isAlias(node)) return this.expandAlias(node, depth);
    if (isScalar(node)) {
      const range = node.range;
      if (!range) return null;
      const [rangeStart, valueEnd] = range;
      const style = node.type === 'QUOTE_DOUBLE' ? 'double' : node.type === 'QUOTE_SINGLE' ? 'single' : node.type === 'BLOCK_FOLDED' || node.type === 'BLOCK_LITERAL' ? 'block' : 'plain';
      if (style === 'plain' && rangeStart === valueEnd) return null;
      if (style === 'block') {
        const newline = this.source.indexOf('\n', rangeStart);
        const extent = blockContentExtent(this.source, newline < 0 || newline > valueEnd ? valueEnd : newline + 1, valueEnd);
        const value = typeof node.value === 'string' ? node.value : '';
        return { type: 'scalar', value, start: this.offset + extent.start, end: this.offset + extent.end, style, exact: value === this.source.slice(extent.start, extent.end) };
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
      let mergeSources: YNode[] | undefined;
      for (const pair of node.items) {
        if (isMergeKey(pair.key)) {
          (mergeSources ??= []).push(...this.mergeSources(pair.value, depth + 1));
          continue;
        }
        keys.push(this.keyText(pair.key));
        values.push(this.convert(pair.value, depth + 1));
      }
      if (mergeSources) mergeInto(keys, values, mergeSources);
      return { type: 'map', keys, values };
    }
    if (isSeq(node)) {
      return { type: 'seq', items: node.items.map((item) => this.convert(item, depth + 1)) };
    }
    return null;
  }

  /**
   * The one place an alias is expanded: its anchored node, converted again (so the images it holds keep
   * the anchor's offsets and are reported once, where they are written). Merge keys come through here too.
   */
  private expandAlias(node: Alias, depth: number): YNode | null {
    const target = node.resolve(this.doc);
    return target ? this.convert(target, depth + 1) : null;
  }

  /** The maps a merge key's value names: `<<: *base`, `<<: [*a, *b]` or an inline map. */
  private mergeSources(value: unknown, depth: number): YNode[] {
    const items = isSeq(value) ? value.items : [value];
    const sources: YNode[] = [];
    for (const item of items) {
      const converted = this.convert(item, depth + 1);
      if (converted && converted.type === 'map') sources.push(converted);
    }
    return sources;
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
