/**
 * The slow, exact path: one document parsed with `yaml` and turned into the same YNode tree the fast
 * scanner builds. Used for documents the fast scanner cannot decide, and by the fuzz test as the oracle.
 *
 * Hostile input is bounded here (server/src/limits/inputLimits.ts has the measurements): a document
 * larger than `fullParseDocumentBytes` or nested deeper than `nestingDepth` is not parsed, and alias
 * expansion (merge keys included) stops after `aliasExpansionNodes` nodes (a 487-byte "billion laughs"
 * would otherwise expand to 387 million). Each bound reached is reported once, as an `ANALYSIS_LIMIT`
 * error that the `analysis-limit` rule shows. Aliases are resolved with one walk of the document:
 * `yaml`'s own `Alias.resolve` walks the whole document per alias, which made 14,000 aliases take 21 s.
 */
import type { Alias, Document, Node } from 'yaml';
import { ANALYSIS_LIMIT_CODE, type YamlSyntaxError } from '../findings/types';
import { formatBytes, INPUT_LIMITS } from '../limits/inputLimits';
import { nestingDeeperThan } from '../limits/nestingDepth';
import { flowScalarError, joinScalarLines, underIndentedFlowScalars } from './flowScalarRepair';
import { locateSyntaxErrors } from './syntaxErrors';
import { yamlLibrary } from '../yaml/library';
import { blockContentExtent, type YNode, type YScalar } from '../yaml/yamlTree';

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
  const doc = parseQuietly(source);
  if (doc.errors.length === 0) return converted(doc, source, start, []);
  const repaired = repairFlowScalars(source, doc, start);
  if (repaired) return repaired;
  return converted(doc, source, start, locateSyntaxErrors(doc.errors, source, start));
}

/** The tree of `doc` with `errors`, plus the alias-expansion bound's error when it was reached. */
function converted(doc: Document, source: string, offset: number, errors: YamlSyntaxError[]): FullParseResult {
  const converter = new Converter(doc, source, offset);
  const root = converter.convert(doc.contents, 0);
  if (converter.limitHit) errors.push(converter.limitHit);
  return { root, hasErrors: errors.length > 0, errors };
}

/** A document too large or too deep to hand to `yaml`, as the one limit error that says so. */
function refusedDocument(text: string, start: number, end: number): YamlSyntaxError | undefined {
  const size = end - start;
  if (size > INPUT_LIMITS.fullParseDocumentBytes) {
    const newline = text.indexOf('\n', start);
    return limitError(
      start,
      Math.max(start + 1, Math.min(end, newline < 0 ? end : newline)),
      `this YAML document is ${formatBytes(size)}, and documents over ${formatBytes(INPUT_LIMITS.fullParseDocumentBytes)} that need the exact YAML parser (anchors, multi-line values...) are not read, so its images are not checked`,
    );
  }
  const deep = nestingDeeperThan(text, start, end, INPUT_LIMITS.nestingDepth);
  if (deep !== undefined) {
    return limitError(deep, Math.min(end, deep + 1), `this YAML document nests deeper than ${INPUT_LIMITS.nestingDepth} levels here, so it is not read and its images are not checked`);
  }
  return undefined;
}

/** An input bound reached at text[start, end), for the `analysis-limit` rule. */
export function limitError(start: number, end: number, message: string): YamlSyntaxError {
  return { start, end, message, parserCode: ANALYSIS_LIMIT_CODE };
}

function parseQuietly(source: string): Document {
  // Only the errors' existence is read, never their stacks: `yaml` builds an Error per problem, and on
  // broken documents capturing those stack traces cost as much as the parse. The parse is synchronous,
  // so the limit is restored before any other code runs.
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return yamlLibrary().parseDocument(source, { uniqueKeys: false, prettyErrors: false, strict: false });
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
  return converted(repaired, joined, offset, errors);
}

/** Depth of YNode nesting built, alias hops included (the nesting pre-check bounds the source itself). */
const MAX_DEPTH = INPUT_LIMITS.nestingDepth;

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
  /** The alias expansion bound, once reached (then no further alias is expanded). */
  limitHit: YamlSyntaxError | undefined;
  /** Nodes built while expanding aliases, against `aliasExpansionNodes`. */
  private expanded = 0;
  /** How many aliases enclose the node being converted. */
  private aliasNesting = 0;
  private targets: Map<Alias, Node> | undefined;
  /** `yaml`'s node tests, looked up once per document, not per node. */
  private readonly yaml = yamlLibrary();

  constructor(
    private readonly doc: Document,
    private readonly source: string,
    private readonly offset: number,
  ) {}

  convert(node: unknown, depth: number): YNode | null {
    if (node === null || node === undefined || depth > MAX_DEPTH) return null;
    const { isAlias, isMap, isScalar, isSeq } = this.yaml;
    if (this.aliasNesting > 0 && ++this.expanded > INPUT_LIMITS.aliasExpansionNodes) return null;
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
        if (this.isMergeKey(pair.key)) {
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
    if (this.limitHit) return null;
    const target = this.anchorTargets().get(node);
    if (!target) return null;
    this.aliasNesting++;
    let converted: YNode | null;
    try {
      converted = this.convert(target, depth + 1);
    } finally {
      this.aliasNesting--;
    }
    if (this.expanded > INPUT_LIMITS.aliasExpansionNodes && !this.limitHit) {
      const [start, end] = node.range ?? [0, 1];
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
    const { isAlias, visit } = this.yaml;
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

  /** The maps a merge key's value names: `<<: *base`, `<<: [*a, *b]` or an inline map. */
  private mergeSources(value: unknown, depth: number): YNode[] {
    const items = this.yaml.isSeq(value) ? value.items : [value];
    const sources: YNode[] = [];
    for (const item of items) {
      const converted = this.convert(item, depth + 1);
      if (converted && converted.type === 'map') sources.push(converted);
    }
    return sources;
  }

  /** A plain `<<` key: the YAML 1.1 merge key, which Compose and most Kubernetes tooling (libyaml) honour. */
  private isMergeKey(key: unknown): boolean {
    return this.yaml.isScalar(key) && key.type === 'PLAIN' && key.value === '<<';
  }

  private keyText(key: unknown): string {
    if (this.yaml.isScalar(key)) {
      if (typeof key.value === 'string') return key.value;
      const range = key.range;
      return range ? this.source.slice(range[0], range[1]) : String(key.value);
    }
    return '';
  }
}
