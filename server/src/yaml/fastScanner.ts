/**
 * A line-oriented YAML scanner for the subset ordinary manifests use: block mappings and sequences
 * (with compact `- key: value` entries), plain and quoted single-line scalars, single-line flow
 * collections, block scalars (placed, and decoded only when a rule reads one) and comments. It builds a
 * YNode tree with exact offsets and composes no `yaml` Document, which is what makes `lint` on a
 * 5,000-document manifest fast.
 *
 * In strict mode anything it cannot decide the way the YAML spec would (anchors, aliases, tags,
 * multi-line plain or quoted scalars, explicit keys, merge keys, multi-line flow collections, tabs in
 * indentation...) throws `Undecidable`, and the caller parses that one document with `yaml`.
 * In lenient mode (Helm chart templates and templated files, not YAML until rendered) it never throws: it skips
 * template-only lines and reads what it cannot decide as plain text to the end of the line.
 */
import { INPUT_LIMITS } from '../limits/inputLimits';
import { yamlLibrary } from './library';
import { blockContentExtent, type YMap, type YNode, type YScalar, type YSeq } from './yamlTree';

export class Undecidable extends Error {
  constructor(reason: string) {
    // Control flow, not a failure: thrown for every document the scanner hands to `yaml`, and
    // capturing a stack trace each time cost more than scanning the document did.
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    try {
      super(reason);
    } finally {
      Error.stackTraceLimit = limit;
    }
    this.name = 'Undecidable';
  }
}

/**
 * A scalar whose value is exactly its source text. The value is sliced only when read: most scalars of a
 * manifest (ports, labels, resource sizes) are never looked at, and not allocating them keeps GC low.
 */
class SourceScalar implements YScalar {
  // On the prototype (below), not on each instance: two fields fewer on every scalar of a manifest.
  declare readonly type: 'scalar';
  declare readonly exact: true;

  constructor(
    /** The text the scalar sits in until its value is read, then the value (one field for both). */
    private source: string,
    readonly start: number,
    readonly end: number,
    readonly style: 'plain' | 'single' | 'double',
  ) {}

  get value(): string {
    const source = this.source;
    // Already the value, or a text of exactly the scalar's length (which then is the scalar).
    if (source.length === this.end - this.start) return source;
    return (this.source = source.slice(this.start, this.end));
  }

  toJSON(): YScalar {
    return { type: 'scalar', value: this.value, start: this.start, end: this.end, style: this.style, exact: true };
  }
}
Object.defineProperties(SourceScalar.prototype, { type: { value: 'scalar', enumerable: true }, exact: { value: true, enumerable: true } });

/**
 * A block scalar (`|`, `>-`, ...). Its value is decoded only when read, and then by `yaml` itself on
 * the header and content lines alone: a manifest's block scalars are mostly scripts and config files no
 * rule reads, and decoding them all would cost more than scanning; the few read (an `image: >-`) get
 * exactly `yaml`'s folding and chomping.
 */
class BlockScalar implements YScalar {
  readonly type = 'scalar';
  readonly style = 'block';
  readonly start: number;
  readonly end: number;
  private decoded: string | undefined;

  constructor(
    private readonly text: string,
    private readonly header: string,
    private readonly regionStart: number,
    private readonly regionEnd: number,
    contentEnd: number,
  ) {
    const extent = blockContentExtent(text, regionStart, contentEnd);
    this.start = extent.start;
    this.end = extent.end;
  }

  get value(): string {
    if (this.decoded === undefined) {
      const limit = Error.stackTraceLimit;
      Error.stackTraceLimit = 0;
      try {
        const contents = yamlLibrary().parseDocument(`${this.header}\n${this.text.slice(this.regionStart, this.regionEnd)}`, { strict: false }).contents;
        const value: unknown = contents && 'value' in contents ? contents.value : undefined;
        this.decoded = typeof value === 'string' ? value : '';
      } finally {
        Error.stackTraceLimit = limit;
      }
    }
    return this.decoded;
  }

  get exact(): boolean {
    return this.value === this.text.slice(this.start, this.end);
  }

  toJSON(): YScalar {
    return { type: 'scalar', value: this.value, start: this.start, end: this.end, style: 'block', exact: this.exact };
  }
}

const SPACE = 32;
const TAB = 9;
const CR = 13;
const HASH = 35;

function isBlank(code: number): boolean {
  return code === SPACE || code === TAB;
}

/**
 * The entries of the collections being read, as a stack shared by every collection of a document: a
 * collection pushes its entries, then takes them as one array of exactly their number. An array grown
 * by `push` gets about 16 slots at once, so the typical 2–5 entries of a manifest's maps cost about 150
 * bytes per array. On the 5,000-document benchmark manifest the scanner allocated ~53 MB of the 113 MB
 * of a whole analysis (sampled), and the garbage collector was the largest single cost of a cold `lint`;
 * taking exact arrays brought the analysis to 96 MB (issue 12).
 * Entries are written by index (never `length =`, which would make V8 trim and regrow the store).
 */
class Scratch<T> {
  private slots: T[] = [];
  private top = 0;

  /** Where the entries of a collection starting now begin. */
  mark(): number {
    return this.top;
  }

  push(value: T): void {
    this.slots[this.top++] = value;
  }

  /** The entries pushed since `from`, as an array of their own; the stack is back at `from`. */
  take(from: number): T[] {
    const taken = this.slots.slice(from, this.top);
    this.top = from;
    return taken;
  }

  /** Drops the entries pushed since `from` (a collection that could not be read). */
  reset(from: number): void {
    this.top = from;
  }

  /**
   * Empty, after a scan: nothing of the scan's tree (nor, through its scalars, its text) stays
   * reachable from here. The slots array is kept for the next scan unless one huge collection grew it.
   */
  clear(): void {
    this.top = 0;
    if (this.slots.length > MAX_KEPT_SLOTS) this.slots = [];
    else this.slots.fill(undefined as T);
  }
}

const MAX_KEPT_SLOTS = 4096;

/** One stack for keys, one for values and items (a collection's children are complete before it pushes them). */
interface ScratchStacks {
  keys: Scratch<string>;
  nodes: Scratch<YNode | null>;
}

/**
 * The stacks every scan uses (a scan runs to its end synchronously and never starts another, so one set
 * serves them all). One set per scanner meant two arrays grown from nothing again for each of the
 * 6,000 documents of the benchmark manifest.
 */
const SCRATCH: ScratchStacks = { keys: new Scratch<string>(), nodes: new Scratch<YNode | null>() };

/**
 * The next occurrence of one character at or after a position of a document, found with `indexOf` and
 * kept (`from`..`at`: none in between), so asking again from inside that stretch costs nothing.
 * Positions are the file's; `documentText` is the document alone, so a search never runs into the next one.
 */
class CharSearch {
  private from = -1;
  private at = -1;

  constructor(
    private readonly documentText: string,
    private readonly start: number,
    private readonly end: number,
    private readonly char: string,
  ) {}

  /** The first occurrence at or after `from`, or the document's end. */
  next(from: number): number {
    if (from < this.from || from > this.at) {
      const found = this.documentText.indexOf(this.char, from - this.start);
      this.from = from;
      this.at = found < 0 ? this.end : found + this.start;
    }
    return this.at;
  }
}

export class FastScanner {
  /** Current line: where its content starts (may be virtual, after `- `), where it ends (before CR LF). */
  private contentStart = 0;
  private lineStart = 0;
  private lineEnd = 0;
  /** Column of the current content, -1 at the end of the document. */
  private indent = -1;
  private nextLineStart = 0;
  /** Block collections open around the current line (bounded: each level is a few stack frames). */
  private depth = 0;
  private readonly scratch = SCRATCH;
  /**
   * The next `:` and `#` at or after a position (CharSearch): one pass over the document in all, in a
   * builtin rather than a JavaScript loop per character (a file is read once, much of it before the
   * optimizing compiler has compiled such a loop): 3.6% fewer instructions for a cold pass over the
   * benchmark manifest (valgrind, `--predictable`), the colon and comment loops' share.
   */
  private readonly colons: CharSearch;
  private readonly hashes: CharSearch;
  /**
   * A flow collection read by flowKeyFollows (`- {name: a, value: b}`: is it a key?) and not yet taken:
   * the value read right after starts at the same place, and reading it twice was one flow collection
   * in five of the benchmark manifest's.
   */
  private flowRead: { at: number; node: YNode } | undefined;

  constructor(
    private readonly text: string,
    private readonly start: number,
    private readonly end: number,
    private readonly lenient: boolean,
  ) {
    // Searched within the document only (a search from one document would otherwise run on to the end of the file).
    const documentText = start === 0 && end === text.length ? text : text.slice(start, end);
    this.colons = new CharSearch(documentText, start, end, ':');
    this.hashes = new CharSearch(documentText, start, end, '#');
  }

  /** The first `#` in (from, to) that starts a comment (a blank before it), or `to`. */
  private commentIn(from: number, to: number): number {
    for (let hash = this.hashes.next(from + 1); hash < to; hash = this.hashes.next(hash + 1)) {
      if (isBlank(this.text.charCodeAt(hash - 1))) return hash;
    }
    return to;
  }

  /** The document's root node (null for an empty document). */
  scan(): YNode | null {
    try {
      this.loadLine(this.start);
      if (this.indent < 0) return null;
      const root = this.parseBlockNode(0);
      if (this.indent >= 0) {
        if (!this.lenient) this.fail('content after the root node');
      }
      return root;
    } finally {
      this.scratch.keys.clear();
      this.scratch.nodes.clear();
    }
  }

  private fail(reason: string): never {
    throw new Undecidable(reason);
  }

  // ---- lines -------------------------------------------------------------------------------------

  /** Moves to the first line at or after `from` that has content (not blank, not a comment). */
  private loadLine(from: number): void {
    const text = this.text;
    let position = from;
    while (position < this.end) {
      let newline = text.indexOf('\n', position);
      if (newline < 0 || newline > this.end) newline = this.end;
      let lineEnd = newline;
      if (lineEnd > position && text.charCodeAt(lineEnd - 1) === CR) lineEnd--;
      let content = position;
      while (content < lineEnd && text.charCodeAt(content) === SPACE) content++;
      const next = newline + 1;
      if (content < lineEnd && text.charCodeAt(content) === TAB) {
        // Tabs may separate but never indent; a tab-led line is only fine when blank or a comment.
        let after = content;
        while (after < lineEnd && isBlank(text.charCodeAt(after))) after++;
        if (after === lineEnd && !this.lenient) {
          // `yaml` reads some tab-only lines as tab indentation (after `key:` with no value): let it decide.
          this.fail('tab-only line');
        }
        if (after === lineEnd || text.charCodeAt(after) === HASH) {
          position = next;
          continue;
        }
        if (!this.lenient) this.fail('tab in indentation');
        content = after;
      }
      if (content === lineEnd || text.charCodeAt(content) === HASH) {
        position = next;
        continue;
      }
      if (content === position && this.isMarkerLine(content, lineEnd)) {
        position = next;
        continue;
      }
      if (this.lenient && text.startsWith('{{', content)) {
        position = next;
        continue;
      }
      if (content === position && text.charCodeAt(content) === 37 /* % */ && !this.lenient) this.fail('directive');
      if (content === position && text.charCodeAt(content) === 0xfeff && !this.lenient) this.fail('byte order mark');
      this.lineStart = position;
      this.contentStart = content;
      this.lineEnd = lineEnd;
      this.indent = content - position;
      this.nextLineStart = next;
      return;
    }
    this.indent = -1;
    this.contentStart = this.end;
    this.lineEnd = this.end;
    this.nextLineStart = this.end;
  }

  /** `---` or `...` at column 0: allowed only alone (or with a comment) on its line. */
  private isMarkerLine(at: number, lineEnd: number): boolean {
    const text = this.text;
    const c = text.charCodeAt(at);
    if ((c !== 45 && c !== 46) || !text.startsWith(c === 45 ? '---' : '...', at)) return false;
    if (at + 3 < lineEnd && !isBlank(text.charCodeAt(at + 3))) return false;
    let after = at + 3;
    while (after < lineEnd && isBlank(text.charCodeAt(after))) after++;
    if (after < lineEnd && text.charCodeAt(after) !== HASH && !this.lenient) this.fail('content on a document marker line');
    return true;
  }

  private advance(): void {
    this.loadLine(this.nextLineStart);
  }

  private isSeqEntry(at: number): boolean {
    if (this.text.charCodeAt(at) !== 45 /* - */) return false;
    const after = at + 1;
    return after >= this.lineEnd || isBlank(this.text.charCodeAt(after));
  }

  // ---- block structure ---------------------------------------------------------------------------

  /** A node that starts on the current line, which must be indented at least `minIndent`. */
  private parseBlockNode(minIndent: number): YNode | null {
    if (this.indent < minIndent) return null;
    const at = this.contentStart;
    if (this.isSeqEntry(at)) return this.parseSeq(this.indent);
    if (this.findKeyColon(at) >= 0) return this.parseMap(this.indent);
    return this.parseInlineValue(at, minIndent - 1);
  }

  /** Enters one more block collection; past the nesting bound the strict scanner hands the document to `yaml` (whose pre-check reports it). */
  private enterCollection(indent: number): boolean {
    if (this.depth < INPUT_LIMITS.nestingDepth) {
      this.depth++;
      return true;
    }
    if (!this.lenient) this.fail('nesting deeper than the limit');
    this.skipDeeperThan(indent - 1);
    return false;
  }

  private parseMap(indent: number): YMap {
    if (!this.enterCollection(indent)) return { type: 'map', keys: [], values: [] };
    const { keys, nodes } = this.scratch;
    const keysFrom = keys.mark();
    const valuesFrom = nodes.mark();
    try {
      this.parseMapEntries(indent);
    } finally {
      this.depth--;
    }
    return { type: 'map', keys: keys.take(keysFrom), values: nodes.take(valuesFrom) };
  }

  private parseMapEntries(indent: number): void {
    const { keys, nodes } = this.scratch;
    while (this.indent === indent) {
      const at = this.contentStart;
      if (this.isSeqEntry(at)) {
        if (!this.lenient) this.fail('sequence entry inside a mapping');
        this.skipDeeperThan(indent - 1);
        continue;
      }
      const colon = this.findKeyColon(at);
      if (colon < 0) {
        if (!this.lenient) this.fail('mapping line without a key');
        this.advance();
        this.skipDeeperThan(indent);
        continue;
      }
      const key = this.keyText(at, colon);
      // A merge key (`<<: *base`, `<<: {...}`) changes the map's keys: the full parser applies it.
      if (key === '<<' && this.text.charCodeAt(at) === 60 && !this.lenient) this.fail('merge key');
      keys.push(key);
      const valueStart = this.skipBlanks(colon + 1);
      if (valueStart >= this.lineEnd || this.text.charCodeAt(valueStart) === HASH) {
        this.advance();
        if (this.indent > indent) nodes.push(this.parseBlockNode(indent + 1));
        else if (this.indent === indent && this.isSeqEntry(this.contentStart)) nodes.push(this.parseSeq(indent));
        else nodes.push(null);
      } else {
        nodes.push(this.parseInlineValue(valueStart, indent));
      }
    }
  }

  private parseSeq(indent: number): YSeq {
    if (!this.enterCollection(indent)) return { type: 'seq', items: [] };
    const nodes = this.scratch.nodes;
    const itemsFrom = nodes.mark();
    try {
      this.parseSeqItems(indent);
    } finally {
      this.depth--;
    }
    return { type: 'seq', items: nodes.take(itemsFrom) };
  }

  private parseSeqItems(indent: number): void {
    const items = this.scratch.nodes;
    while (this.indent === indent && this.isSeqEntry(this.contentStart)) {
      const dash = this.contentStart;
      if (dash + 1 < this.lineEnd && this.text.charCodeAt(dash + 1) === TAB && !this.lenient) this.fail('tab after a sequence dash');
      const itemStart = this.skipBlanks(dash + 1);
      // A tab among the blanks after `- ` counts as indentation of a compact entry: a YAML error.
      if (!this.lenient && itemStart < this.lineEnd && this.hasTab(dash + 1, itemStart)) this.fail('tab after a sequence dash');
      if (itemStart >= this.lineEnd || this.text.charCodeAt(itemStart) === HASH) {
        this.advance();
        items.push(this.indent > indent ? this.parseBlockNode(indent + 1) : null);
        continue;
      }
      // Compact entry: the item's content starts on the dash's line; treat it as a virtual line.
      this.contentStart = itemStart;
      this.indent = itemStart - this.lineStart;
      if (this.isSeqEntry(itemStart)) items.push(this.parseSeq(this.indent));
      else if (this.findKeyColon(itemStart) >= 0) {
        if (this.text.charCodeAt(itemStart) === 123 /* { */ || this.text.charCodeAt(itemStart) === 91 /* [ */) this.fail('flow key');
        items.push(this.parseMap(this.indent));
      } else items.push(this.parseInlineValue(itemStart, indent));
    }
  }

  /** Lenient recovery: drops lines indented deeper than `indent`, starting with the current one. */
  private skipDeeperThan(indent: number): void {
    if (this.indent > indent) this.advance();
    while (this.indent > indent) this.advance();
  }

  /**
   * A value that starts at `at` on the current line; `parentIndent` is the indentation of the node
   * that holds it (continuation lines must be indented no deeper).
   */
  private parseInlineValue(at: number, parentIndent: number): YNode | null {
    const text = this.text;
    const c = text.charCodeAt(at);
    let node: YNode | null;
    if ((c === 34 || c === 39) && this.lenient && text.slice(at, this.lineEnd).includes('{{')) {
      // Helm renders templates before YAML sees them: quotes inside `{{ }}` do not close the scalar.
      return this.lenientPlainToLineEnd(at, parentIndent);
    } else if (c === 34 /* " */ || c === 39 /* ' */) {
      node = this.parseQuotedOnLine(at);
      if (!node) return this.lenientPlainToLineEnd(at, parentIndent);
      const close = node.end + 1;
      const rest = this.skipBlanks(close);
      if (rest < this.lineEnd && !(text.charCodeAt(rest) === HASH && rest > close)) {
        if (!this.lenient) this.fail('text after a quoted scalar');
      }
    } else if (c === 124 /* | */ || c === 62 /* > */) {
      return this.parseBlockScalar(at, parentIndent);
    } else if (c === 91 /* [ */ || c === 123 /* { */) {
      if (this.lenient && text.startsWith('{{', at)) return this.lenientPlainToLineEnd(at, parentIndent);
      const parsed = this.flowAt(at);
      if (!parsed) {
        if (!this.lenient) this.fail('flow collection');
        return this.lenientPlainToLineEnd(at, parentIndent);
      }
      node = parsed;
    } else if (isIndicatorStart(text, at, this.lineEnd)) {
      if (!this.lenient) this.fail('indicator at the start of a value');
      return this.lenientPlainToLineEnd(at, parentIndent);
    } else {
      node = this.plainOnLine(at);
    }
    this.advance();
    if (this.indent > parentIndent) {
      if (!this.lenient) this.fail('continuation line');
      this.skipDeeperThan(parentIndent);
    }
    return node;
  }

  private lenientPlainToLineEnd(at: number, parentIndent: number): YNode | null {
    let end = this.lineEnd;
    const text = this.text;
    for (let i = at + 1; i < this.lineEnd; i++) {
      if (text.charCodeAt(i) === HASH && isBlank(text.charCodeAt(i - 1)) && !insideTemplate(text, at, i)) {
        end = i;
        break;
      }
    }
    while (end > at && isBlank(text.charCodeAt(end - 1))) end--;
    let node: YScalar = { type: 'scalar', value: text.slice(at, end), start: at, end, style: 'plain', exact: true };
    const c = text.charCodeAt(at);
    if ((c === 34 || c === 39) && end - at >= 2 && text.charCodeAt(end - 1) === c) {
      node = { type: 'scalar', value: text.slice(at + 1, end - 1), start: at + 1, end: end - 1, style: c === 34 ? 'double' : 'single', exact: true };
    }
    this.advance();
    this.skipDeeperThan(parentIndent);
    return node;
  }

  /** A plain scalar ending at a comment or the end of the line. */
  private plainOnLine(at: number): YScalar {
    const text = this.text;
    const lineEnd = this.lineEnd;
    let end = this.commentIn(at, lineEnd);
    if (!this.lenient) {
      for (let colon = this.colons.next(at + 1); colon < end; colon = this.colons.next(colon + 1)) {
        if (colon + 1 === lineEnd || isBlank(text.charCodeAt(colon + 1))) this.fail('mapping inside a plain scalar');
      }
    }
    while (end > at && isBlank(text.charCodeAt(end - 1))) end--;
    return new SourceScalar(text, at, end, 'plain');
  }

  /** A single- or double-quoted scalar closed on this line; null when it is not (multi-line). */
  private parseQuotedOnLine(at: number): YScalar | null {
    const quoted = readQuoted(this.text, at, this.lineEnd);
    if (!quoted) {
      if (!this.lenient) this.fail('multi-line or malformed quoted scalar');
      return null;
    }
    return quoted;
  }

  private parseBlockScalar(at: number, parentIndent: number): YScalar {
    const text = this.text;
    let i = at + 1;
    let chomping = false;
    while (i < this.lineEnd) {
      const code = text.charCodeAt(i);
      if (code === 45 || code === 43) {
        // One chomping indicator at most (`|--` is an error only the full parser reports).
        if (chomping && !this.lenient) this.fail('second chomping indicator');
        chomping = true;
        i++;
      }
      else if (code >= 49 && code <= 57) {
        if (!this.lenient) this.fail('explicit block indentation');
        i++;
      } else break;
    }
    const rest = this.skipBlanks(i);
    if (rest < this.lineEnd && !(text.charCodeAt(rest) === HASH && rest > i)) {
      if (!this.lenient) this.fail('text after a block scalar header');
    }
    // Content: every following line that is blank or indented deeper than the parent node.
    let position = this.nextLineStart;
    const contentStart = position;
    let contentEnd = position;
    // The first content line sets the block's indentation; a later line indented less (but still more
    // than the parent) is a YAML error, which only the full parser can report.
    let contentIndent = -1;
    while (position < this.end) {
      let newline = text.indexOf('\n', position);
      if (newline < 0 || newline > this.end) newline = this.end;
      let column = position;
      while (column < newline && text.charCodeAt(column) === SPACE) column++;
      let blankEnd = column;
      while (blankEnd < newline && (isBlank(text.charCodeAt(blankEnd)) || text.charCodeAt(blankEnd) === CR)) blankEnd++;
      if (column < newline && text.charCodeAt(column) === TAB && !this.lenient) {
        // A tab in a line's leading whitespace may count as "less indented than the first line" to `yaml`: let it decide.
        this.fail('tab in a block scalar blank line');
      }
      if (blankEnd < newline) {
        const lineIndent = column - position;
        if (lineIndent <= parentIndent) break;
        if (contentIndent < 0) contentIndent = lineIndent;
        else if (lineIndent < contentIndent && !this.lenient) this.fail('block scalar line indented less than its first line');
        contentEnd = newline;
      }
      position = newline + 1;
    }
    this.loadLine(position);
    let headerEnd = i;
    while (headerEnd > at && isBlank(text.charCodeAt(headerEnd - 1))) headerEnd--;
    return new BlockScalar(text, text.slice(at, headerEnd), contentStart, Math.max(contentStart, Math.min(position, this.end)), Math.max(contentStart, contentEnd));
  }

  // ---- keys --------------------------------------------------------------------------------------

  /** The colon that ends a block mapping key starting at `at`, or -1 when the line holds no key. */
  private findKeyColon(at: number): number {
    const text = this.text;
    const end = this.lineEnd;
    const c = text.charCodeAt(at);
    if (c === 34 || c === 39) {
      const quoted = readQuoted(text, at, end);
      if (!quoted) return -1;
      const after = this.skipBlanks(quoted.end + 1);
      if (after < end && text.charCodeAt(after) === 58 && (after + 1 === end || isBlank(text.charCodeAt(after + 1)))) return after;
      return -1;
    }
    if (isIndicatorStart(text, at, end) || c === 91 || c === 123) {
      if (c === 63 /* ? */ && !this.lenient) this.fail('explicit key');
      if (c === 38 /* & */ || c === 33 /* ! */) {
        if (!this.lenient) this.fail('anchor or tag');
      }
      if ((c === 91 || c === 123) && !this.lenient && this.flowKeyFollows(at)) this.fail('flow key');
      return -1;
    }
    // The first `:` followed by a blank or the line's end, unless a comment starts before it.
    let colon = this.colons.next(at);
    while (colon < end && colon + 1 < end && !isBlank(text.charCodeAt(colon + 1))) colon = this.colons.next(colon + 1);
    if (colon >= end || this.commentIn(at, colon) < colon) return -1;
    return colon;
  }

  private flowKeyFollows(at: number): boolean {
    const flow = new FlowParser(this.text, at, this.lineEnd, this.scratch);
    const parsed = flow.parse();
    if (!parsed) return true;
    this.flowRead = { at, node: parsed };
    return false;
  }

  /** The flow collection at `at` on the current line: the one flowKeyFollows just read there, else read now (null when it is not one). */
  private flowAt(at: number): YNode | null {
    const read = this.flowRead;
    this.flowRead = undefined;
    if (read && read.at === at) return read.node;
    return new FlowParser(this.text, at, this.lineEnd, this.scratch).parse();
  }

  private keyText(at: number, colon: number): string {
    const text = this.text;
    const c = text.charCodeAt(at);
    if (c === 34 || c === 39) {
      const quoted = readQuoted(text, at, colon);
      if (quoted) return quoted.value;
    }
    let end = colon;
    while (end > at && isBlank(text.charCodeAt(end - 1))) end--;
    return text.slice(at, end);
  }

  private hasTab(from: number, to: number): boolean {
    for (let i = from; i < to; i++) if (this.text.charCodeAt(i) === TAB) return true;
    return false;
  }

  private skipBlanks(from: number): number {
    let i = from;
    while (i < this.lineEnd && isBlank(this.text.charCodeAt(i))) i++;
    return i;
  }
}

/** Whether `at` starts with a YAML indicator that cannot begin a plain scalar here. */
function isIndicatorStart(text: string, at: number, end: number): boolean {
  const c = text.charCodeAt(at);
  switch (c) {
    case 38: // &
    case 42: // *
    case 33: // !
    case 37: // %
    case 64: // @
    case 96: // `
    case 44: // ,
    case 93: // ]
    case 125: // }
    case 124: // |
    case 62: // >
    case 35: // #
      return true;
    case 45: // -
    case 63: // ?
    case 58: // :
      return at + 1 >= end || isBlank(text.charCodeAt(at + 1));
    default:
      return false;
  }
}

function insideTemplate(text: string, from: number, at: number): boolean {
  const open = text.lastIndexOf('{{', at);
  if (open < from) return false;
  const close = text.lastIndexOf('}}', at);
  return close < open;
}

/** A quoted scalar closed before `end`, decoded; null when unclosed or with an escape we do not know. */
export function readQuoted(text: string, at: number, end: number): YScalar | null {
  const quote = text.charCodeAt(at);
  if (quote === 39) {
    let i = at + 1;
    let escaped = false;
    while (i < end) {
      if (text.charCodeAt(i) === 39) {
        if (i + 1 < end && text.charCodeAt(i + 1) === 39) {
          escaped = true;
          i += 2;
          continue;
        }
        if (!escaped) return new SourceScalar(text, at + 1, i, 'single');
        return { type: 'scalar', value: text.slice(at + 1, i).replace(/''/g, "'"), start: at + 1, end: i, style: 'single', exact: false };
      }
      i++;
    }
    return null;
  }
  let i = at + 1;
  let escaped = false;
  while (i < end) {
    const code = text.charCodeAt(i);
    if (code === 92 /* \ */) {
      escaped = true;
      i += 2;
      continue;
    }
    if (code === 34) {
      if (!escaped) return new SourceScalar(text, at + 1, i, 'double');
      const value = decodeDoubleQuoted(text.slice(at + 1, i));
      if (value === undefined) return null;
      return { type: 'scalar', value, start: at + 1, end: i, style: 'double', exact: false };
    }
    i++;
  }
  return null;
}

const SIMPLE_ESCAPES: Record<string, string> = {
  '0': '\0', a: '\x07', b: '\b', t: '\t', '\t': '\t', n: '\n', v: '\v', f: '\f', r: '\r', e: '\x1b',
  ' ': ' ', '"': '"', '/': '/', '\\': '\\', N: '\u0085', _: '\u00a0', L: '\u2028', P: '\u2029',
};

function decodeDoubleQuoted(raw: string): string | undefined {
  let out = '';
  for (let i = 0; i < raw.length; i++) {
    const ch = raw[i] as string;
    if (ch !== '\\') {
      out += ch;
      continue;
    }
    const escape = raw[i + 1];
    if (escape === undefined) return undefined;
    const simple = SIMPLE_ESCAPES[escape];
    if (simple !== undefined) {
      out += simple;
      i++;
      continue;
    }
    const width = escape === 'x' ? 2 : escape === 'u' ? 4 : escape === 'U' ? 8 : 0;
    if (width === 0) return undefined;
    const hex = raw.slice(i + 2, i + 2 + width);
    if (hex.length !== width || !/^[0-9a-fA-F]+$/.test(hex)) return undefined;
    const codePoint = parseInt(hex, 16);
    if (codePoint > 0x10ffff) return undefined;
    out += String.fromCodePoint(codePoint);
    i += 1 + width;
  }
  return out;
}

/** A flow collection (`[...]` / `{...}`) closed on one line, followed only by a comment. Null when not that. */
/**
 * Deeper flow nesting than this is left to the full parser (or treated as plain text in lenient mode):
 * the recursive descent below would otherwise overflow the call stack on hostile input such as 5,000 `[`.
 */
export const MAX_FLOW_DEPTH = 100;

class FlowParser {
  private position: number;
  private depth = 0;

  constructor(
    private readonly text: string,
    start: number,
    private readonly end: number,
    /** The scanner's stacks (a flow collection's entries are taken the same way as a block one's). */
    private readonly scratch: ScratchStacks,
  ) {
    this.position = start;
  }

  parse(): YNode | null {
    const node = this.parseCollection();
    if (!node) return null;
    const closeAt = this.position;
    this.skipBlanks();
    if (this.position < this.end && !(this.text.charCodeAt(this.position) === HASH && this.position > closeAt)) return null;
    return node;
  }

  private skipBlanks(): void {
    while (this.position < this.end && isBlank(this.text.charCodeAt(this.position))) this.position++;
  }

  private parseCollection(): YMap | YSeq | null {
    if (this.depth >= MAX_FLOW_DEPTH) return null;
    const { keys, nodes } = this.scratch;
    const keysFrom = keys.mark();
    const nodesFrom = nodes.mark();
    this.depth++;
    try {
      return this.parseCollectionBody(keysFrom, nodesFrom);
    } finally {
      this.depth--;
      // What a collection that could not be read pushed (a taken one left nothing).
      keys.reset(keysFrom);
      nodes.reset(nodesFrom);
    }
  }

  private parseCollectionBody(keysFrom: number, nodesFrom: number): YMap | YSeq | null {
    const { keys, nodes } = this.scratch;
    const open = this.text.charCodeAt(this.position);
    this.position++;
    if (open === 91) {
      for (;;) {
        this.skipBlanks();
        if (this.position >= this.end) return null;
        if (this.text.charCodeAt(this.position) === 93) {
          this.position++;
          return { type: 'seq', items: nodes.take(nodesFrom) };
        }
        const item = this.parseItem();
        if (item === undefined) return null;
        this.skipBlanks();
        const next = this.text.charCodeAt(this.position);
        if (next === 44) this.position++;
        else if (next !== 93) return null;
        nodes.push(item);
      }
    }
    for (;;) {
      this.skipBlanks();
      if (this.position >= this.end) return null;
      if (this.text.charCodeAt(this.position) === 125) {
        this.position++;
        return { type: 'map', keys: keys.take(keysFrom), values: nodes.take(nodesFrom) };
      }
      const key = this.parseKey();
      if (key === undefined) return null;
      this.skipBlanks();
      if (this.text.charCodeAt(this.position) !== 58) return null;
      this.position++;
      if (this.position < this.end && !isBlank(this.text.charCodeAt(this.position)) && !',]}'.includes(this.text[this.position] as string)) {
        return null;
      }
      this.skipBlanks();
      let value: YNode | null = null;
      const next = this.text.charCodeAt(this.position);
      if (next !== 44 && next !== 125) {
        const parsed = this.parseItem();
        if (parsed === undefined) return null;
        value = parsed;
        this.skipBlanks();
      }
      const after = this.text.charCodeAt(this.position);
      if (after === 44) this.position++;
      else if (after !== 125) return null;
      keys.push(key);
      nodes.push(value);
    }
  }

  /**
   * A flow mapping key, as parseItem() would read it but without a node (only its text is kept);
   * undefined when parseItem() would give no scalar (then the collection is not ours to read).
   */
  private parseKey(): string | undefined {
    const text = this.text;
    const c = text.charCodeAt(this.position);
    if (c === 91 || c === 123) return undefined;
    if (c === 34 || c === 39) {
      const quoted = readQuoted(text, this.position, this.end);
      if (!quoted) return undefined;
      this.position = quoted.end + 1;
      return quoted.value;
    }
    const start = this.position;
    const end = this.plainEnd();
    if (end < 0) return undefined;
    return text.slice(start, end);
  }

  /** One flow item; undefined when not decidable. Null for an empty plain scalar never happens here. */
  private parseItem(): YNode | null | undefined {
    const text = this.text;
    const c = text.charCodeAt(this.position);
    if (c === 91 || c === 123) return this.parseCollection() ?? undefined;
    if (c === 34 || c === 39) {
      const quoted = readQuoted(text, this.position, this.end);
      if (!quoted) return undefined;
      this.position = quoted.end + 1;
      return quoted;
    }
    const start = this.position;
    const end = this.plainEnd();
    if (end < 0) return undefined;
    return new SourceScalar(text, start, end, 'plain');
  }

  /**
   * The end of the flow plain scalar at the current position (which then moves past it, to the blanks
   * or indicator after it); -1 when there is none to read there.
   */
  private plainEnd(): number {
    const text = this.text;
    const c = text.charCodeAt(this.position);
    if (isIndicatorStart(text, this.position, this.end) || c === 63 || c === 45 && this.position + 1 < this.end && ',[]{}'.includes(text[this.position + 1] as string)) {
      return -1;
    }
    const start = this.position;
    let i = start;
    for (; i < this.end; i++) {
      const code = text.charCodeAt(i);
      if (code === 44 || code === 91 || code === 93 || code === 123 || code === 125) break;
      if (code === 58) {
        const next = i + 1 < this.end ? text.charCodeAt(i + 1) : SPACE;
        if (isBlank(next) || next === 44 || next === 91 || next === 93 || next === 123 || next === 125) break;
      }
      if (code === HASH && i > start && isBlank(text.charCodeAt(i - 1))) return -1;
    }
    let end = i;
    while (end > start && isBlank(text.charCodeAt(end - 1))) end--;
    if (end === start) return -1;
    this.position = i;
    return end;
  }
}
