/**
 * Go text/template syntax, as Helm charts and KOTS manifests write it, parsed into a small tree with
 * source offsets. Two delimiter styles:
 *  - Helm: `{{ ... }}` with `{{-` / `-}}` trimming the whitespace beside them;
 *  - KOTS: `repl{{ ... }}` and `{{repl ... }}` (KOTS rewrites the first to the second and makes
 *    `{{repl` the left delimiter, so a plain `{{ }}` in a KOTS file is text).
 * The parser never throws: a construct it cannot read becomes a `ParseProblem` and the caller treats
 * the template as unevaluable (it stays a template, never a guess).
 */

export type Delimiters = 'helm' | 'kots';

export interface TextNode {
  type: 'text';
  text: string;
  start: number;
  end: number;
}
export interface ActionNode {
  type: 'action';
  pipe: Pipeline;
  start: number;
  end: number;
}
export interface BranchNode {
  type: 'if' | 'with' | 'range';
  pipe: Pipeline;
  list: TemplateNode[];
  /** `else` (or `else if` / `else with`, nested as a single branch node). */
  elseList?: TemplateNode[];
  start: number;
  end: number;
  /** Offset where the body starts (after the opening action) and ends (before `else`/`end`). */
  bodyStart: number;
  bodyEnd: number;
  elseStart?: number;
}
export interface TemplateCallNode {
  type: 'template';
  name: string;
  pipe?: Pipeline;
  start: number;
  end: number;
}
export interface DefineNode {
  type: 'define';
  name: string;
  list: TemplateNode[];
  start: number;
  end: number;
}
export interface LoopControlNode {
  type: 'break' | 'continue';
  start: number;
  end: number;
}
export type TemplateNode = TextNode | ActionNode | BranchNode | TemplateCallNode | DefineNode | LoopControlNode;

export interface Pipeline {
  /** `$x :=` (declare) or `$x =` (assign); `range $i, $v :=` declares two. */
  decl?: { names: string[]; assign: boolean };
  commands: Command[];
  /** The pipeline's source text (for messages and hovers). */
  text: string;
}
export interface Command {
  args: Operand[];
}
export type Operand =
  | { type: 'dot' }
  | { type: 'field'; names: string[] }
  | { type: 'variable'; name: string; names: string[] }
  | { type: 'identifier'; name: string }
  | { type: 'string'; value: string }
  | { type: 'number'; value: number }
  | { type: 'bool'; value: boolean }
  | { type: 'nil' }
  | { type: 'pipeline'; pipe: Pipeline; names: string[] };

export interface ParseProblem {
  message: string;
  start: number;
}

export interface ParsedTemplate {
  nodes: TemplateNode[];
  /** Named templates defined in this text (`{{ define "name" }}`). */
  defines: Map<string, DefineNode>;
  problems: ParseProblem[];
}

/** Whether a text contains a template action in the given style (cheap pre-check). */
export function hasTemplate(text: string, delimiters: Delimiters): boolean {
  return delimiters === 'helm' ? text.includes('{{') : text.includes('repl{{') || text.includes('{{repl');
}

interface RawAction {
  /** Offsets of the whole action including delimiters. */
  start: number;
  end: number;
  /** The action's inside (between delimiters and trim markers). */
  inner: string;
  innerStart: number;
  trimLeft: boolean;
  trimRight: boolean;
}

/** Splits text into text runs and actions. */
function scan(text: string, base: number, delimiters: Delimiters, problems: ParseProblem[]): Array<TextNode | RawAction> {
  const out: Array<TextNode | RawAction> = [];
  let position = 0;
  while (position < text.length) {
    const open = findOpen(text, position, delimiters);
    if (!open) {
      out.push({ type: 'text', text: text.slice(position), start: base + position, end: base + text.length });
      break;
    }
    if (open.at > position) out.push({ type: 'text', text: text.slice(position, open.at), start: base + position, end: base + open.at });
    let innerStart = open.contentAt;
    let trimLeft = false;
    if (delimiters === 'helm' && text[innerStart] === '-' && /[ \t\r\n]/.test(text[innerStart + 1] ?? '')) {
      trimLeft = true;
      innerStart += 1;
    }
    const close = findClose(text, innerStart);
    if (close < 0) {
      problems.push({ message: 'an action is never closed with }}', start: base + open.at });
      out.push({ type: 'text', text: text.slice(open.at), start: base + open.at, end: base + text.length });
      break;
    }
    let innerEnd = close;
    let trimRight = false;
    if (delimiters === 'helm' && text[close - 1] === '-' && /[ \t\r\n]/.test(text[close - 2] ?? '')) {
      trimRight = true;
      innerEnd = close - 1;
    }
    out.push({ start: base + open.at, end: base + close + 2, inner: text.slice(innerStart, innerEnd), innerStart: base + innerStart, trimLeft, trimRight });
    position = close + 2;
  }
  // Apply trim markers to the neighbouring text runs.
  for (let i = 0; i < out.length; i++) {
    const item = out[i] as TextNode | RawAction;
    if ('type' in item) continue;
    const before = out[i - 1];
    if (item.trimLeft && before && 'type' in before) {
      const trimmed = before.text.replace(/[ \t\r\n]+$/, '');
      before.end -= before.text.length - trimmed.length;
      before.text = trimmed;
    }
    const after = out[i + 1];
    if (item.trimRight && after && 'type' in after) {
      const trimmed = after.text.replace(/^[ \t\r\n]+/, '');
      after.start += after.text.length - trimmed.length;
      after.text = trimmed;
    }
  }
  return out;
}

function findOpen(text: string, from: number, delimiters: Delimiters): { at: number; contentAt: number } | undefined {
  if (delimiters === 'helm') {
    const at = text.indexOf('{{', from);
    return at < 0 ? undefined : { at, contentAt: at + 2 };
  }
  let best: { at: number; contentAt: number } | undefined;
  const a = text.indexOf('repl{{', from);
  if (a >= 0) best = { at: a, contentAt: a + 6 };
  const b = text.indexOf('{{repl', from);
  if (b >= 0 && (!best || b < best.at)) best = { at: b, contentAt: b + 6 };
  return best;
}

/** The `}}` closing an action, skipping string literals and comments. */
function findClose(text: string, from: number): number {
  let i = from;
  while (i < text.length) {
    const c = text[i];
    if (c === '"' || c === '`' || c === "'") {
      const end = skipQuoted(text, i);
      if (end < 0) return -1;
      i = end;
      continue;
    }
    if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      if (end < 0) return -1;
      i = end + 2;
      continue;
    }
    if (c === '}' && text[i + 1] === '}') return i;
    i++;
  }
  return -1;
}

function skipQuoted(text: string, at: number): number {
  const quote = text[at];
  let i = at + 1;
  while (i < text.length) {
    const c = text[i];
    if (c === '\\' && quote !== '`') {
      i += 2;
      continue;
    }
    if (c === quote) return i + 1;
    if (c === '\n' && quote !== '`') return -1;
    i++;
  }
  return -1;
}

// ---- Action tokens -------------------------------------------------------------------------------

type Token =
  | { kind: 'field'; names: string[]; at: number }
  | { kind: 'dot'; at: number }
  | { kind: 'variable'; name: string; names: string[]; at: number }
  | { kind: 'identifier'; name: string; at: number }
  | { kind: 'string'; value: string; at: number }
  | { kind: 'number'; value: number; at: number }
  | { kind: 'punct'; value: '|' | '(' | ')' | ',' | ':=' | '='; at: number }
  | { kind: 'fieldChain'; names: string[]; at: number };

const IDENTIFIER = /[A-Za-z_][A-Za-z0-9_]*/y;

function tokenize(inner: string): Token[] | string {
  const tokens: Token[] = [];
  let i = 0;
  while (i < inner.length) {
    const c = inner[i] as string;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
      continue;
    }
    if (c === '"' || c === '`') {
      const end = skipQuoted(inner, i);
      if (end < 0) return 'an unterminated string';
      const raw = inner.slice(i, end);
      const value = c === '`' ? raw.slice(1, -1) : unquoteGo(raw);
      if (value === undefined) return `a string it cannot read (${raw})`;
      tokens.push({ kind: 'string', value, at: i });
      i = end;
      continue;
    }
    if (c === "'") {
      // Go reads 'x' as a character constant, but KOTS's own docs write strings this way
      // (`ConfigOptionEquals 'include_chart' 'no'`): read it as the string it is meant to be.
      const end = skipQuoted(inner, i);
      if (end < 0) return 'an unterminated quoted string';
      const value = unquoteGo(`"${inner.slice(i + 1, end - 1).replace(/"/g, '\\"')}"`);
      if (value === undefined) return 'a quoted string it cannot read';
      tokens.push({ kind: 'string', value, at: i });
      i = end;
      continue;
    }
    if (c === '|' || c === '(' || c === ')' || c === ',') {
      tokens.push({ kind: 'punct', value: c, at: i });
      i++;
      continue;
    }
    if (c === ':' && inner[i + 1] === '=') {
      tokens.push({ kind: 'punct', value: ':=', at: i });
      i += 2;
      continue;
    }
    if (c === '=') {
      tokens.push({ kind: 'punct', value: '=', at: i });
      i++;
      continue;
    }
    if (c === '.') {
      const names = readFieldChain(inner, i);
      const previous = tokens[tokens.length - 1];
      // `(...).field`: a chain right after a closing parenthesis applies to the parenthesized value.
      if (previous && previous.kind === 'punct' && previous.value === ')' && previous.at === i - 1 && names.names.length > 0) {
        tokens.push({ kind: 'fieldChain', names: names.names, at: i });
      } else {
        tokens.push(names.names.length === 0 ? { kind: 'dot', at: i } : { kind: 'field', names: names.names, at: i });
      }
      i = names.end;
      continue;
    }
    if (c === '$') {
      IDENTIFIER.lastIndex = i + 1;
      const match = IDENTIFIER.exec(inner);
      const name = match && match.index === i + 1 ? `$${match[0]}` : '$';
      const after = i + name.length;
      const chain = inner[after] === '.' ? readFieldChain(inner, after) : { names: [], end: after };
      tokens.push({ kind: 'variable', name, names: chain.names, at: i });
      i = chain.end;
      continue;
    }
    if (/[0-9+-]/.test(c)) {
      const match = /[-+]?(?:0[xX][0-9a-fA-F_]+|[0-9][0-9_]*(?:\.[0-9_]*)?(?:[eE][-+]?[0-9]+)?|\.[0-9]+)/y;
      match.lastIndex = i;
      const found = match.exec(inner);
      if (found && found[0] !== '-' && found[0] !== '+') {
        const value = Number(found[0].replace(/_/g, ''));
        if (Number.isNaN(value)) return `a number it cannot read (${found[0]})`;
        tokens.push({ kind: 'number', value, at: i });
        i += found[0].length;
        continue;
      }
      return `an unexpected "${c}"`;
    }
    IDENTIFIER.lastIndex = i;
    const identifier = IDENTIFIER.exec(inner);
    if (identifier && identifier.index === i) {
      tokens.push({ kind: 'identifier', name: identifier[0], at: i });
      i += identifier[0].length;
      continue;
    }
    return `an unexpected "${c}"`;
  }
  return tokens;
}

function readFieldChain(inner: string, at: number): { names: string[]; end: number } {
  const names: string[] = [];
  let i = at;
  while (inner[i] === '.') {
    IDENTIFIER.lastIndex = i + 1;
    const match = IDENTIFIER.exec(inner);
    if (!match || match.index !== i + 1) {
      // A lone `.` (dot) ends the chain.
      if (names.length === 0) return { names, end: i + 1 };
      break;
    }
    names.push(match[0]);
    i += 1 + match[0].length;
  }
  return { names, end: i };
}

/** A Go interpreted string literal ("a\tb") → its value; undefined for escapes outside the common set. */
export function unquoteGo(literal: string): string | undefined {
  const body = literal.slice(1, -1);
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i] as string;
    if (c !== '\\') {
      out += c;
      continue;
    }
    const next = body[++i];
    switch (next) {
      case 'n':
        out += '\n';
        break;
      case 't':
        out += '\t';
        break;
      case 'r':
        out += '\r';
        break;
      case '\\':
      case '"':
      case "'":
        out += next;
        break;
      case 'x': {
        const hex = body.slice(i + 1, i + 3);
        if (!/^[0-9a-fA-F]{2}$/.test(hex)) return undefined;
        out += String.fromCharCode(parseInt(hex, 16));
        i += 2;
        break;
      }
      case 'u': {
        const hex = body.slice(i + 1, i + 5);
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) return undefined;
        out += String.fromCharCode(parseInt(hex, 16));
        i += 4;
        break;
      }
      default:
        return undefined;
    }
  }
  return out;
}

// ---- Pipelines -----------------------------------------------------------------------------------

class PipelineParser {
  private position = 0;

  constructor(
    private readonly tokens: Token[],
    private readonly source: string,
  ) {}

  parseAll(): Pipeline | string {
    const pipe = this.pipeline();
    if (typeof pipe === 'string') return pipe;
    if (this.position < this.tokens.length) return `unexpected ${describe(this.tokens[this.position] as Token)}`;
    return pipe;
  }

  private peek(): Token | undefined {
    return this.tokens[this.position];
  }

  private pipeline(): Pipeline | string {
    const startToken = this.peek();
    const startAt = startToken?.at ?? 0;
    let decl: Pipeline['decl'];
    // `$x :=`, `$x =`, `$i, $v :=`
    const first = this.tokens[this.position];
    if (first?.kind === 'variable' && first.names.length === 0) {
      const second = this.tokens[this.position + 1];
      const third = this.tokens[this.position + 2];
      const fourth = this.tokens[this.position + 3];
      if (second?.kind === 'punct' && (second.value === ':=' || second.value === '=')) {
        decl = { names: [first.name], assign: second.value === '=' };
        this.position += 2;
      } else if (second?.kind === 'punct' && second.value === ',' && third?.kind === 'variable' && fourth?.kind === 'punct' && (fourth.value === ':=' || fourth.value === '=')) {
        decl = { names: [first.name, third.name], assign: fourth.value === '=' };
        this.position += 4;
      }
    }
    const commands: Command[] = [];
    for (;;) {
      const command = this.command();
      if (typeof command === 'string') return command;
      commands.push(command);
      const next = this.peek();
      if (next?.kind === 'punct' && next.value === '|') {
        this.position++;
        continue;
      }
      break;
    }
    const endToken = this.tokens[this.position - 1];
    const endAt = endToken ? endToken.at + tokenLength(endToken, this.source) : startAt;
    const pipe: Pipeline = { commands, text: this.source.slice(startAt, endAt).trim() };
    if (decl) pipe.decl = decl;
    return pipe;
  }

  private command(): Command | string {
    const args: Operand[] = [];
    for (;;) {
      const token = this.peek();
      if (!token) break;
      if (token.kind === 'punct' && (token.value === '|' || token.value === ')')) break;
      const operand = this.operand();
      if (typeof operand === 'string') return operand;
      args.push(operand);
    }
    if (args.length === 0) return 'an empty command';
    return { args };
  }

  private operand(): Operand | string {
    const token = this.tokens[this.position++] as Token;
    switch (token.kind) {
      case 'dot':
        return { type: 'dot' };
      case 'field':
        return { type: 'field', names: token.names };
      case 'variable':
        return { type: 'variable', name: token.name, names: token.names };
      case 'string':
        return { type: 'string', value: token.value };
      case 'number':
        return { type: 'number', value: token.value };
      case 'identifier':
        if (token.name === 'true' || token.name === 'false') return { type: 'bool', value: token.name === 'true' };
        if (token.name === 'nil') return { type: 'nil' };
        return { type: 'identifier', name: token.name };
      case 'punct':
        if (token.value === '(') {
          const inner = this.pipeline();
          if (typeof inner === 'string') return inner;
          const close = this.tokens[this.position++];
          if (!close || close.kind !== 'punct' || close.value !== ')') return 'a missing )';
          const chain = this.peek();
          if (chain?.kind === 'fieldChain') {
            this.position++;
            return { type: 'pipeline', pipe: inner, names: chain.names };
          }
          return { type: 'pipeline', pipe: inner, names: [] };
        }
        return `unexpected "${token.value}"`;
      case 'fieldChain':
        return 'a field chain without a value';
    }
  }
}

function tokenLength(token: Token, source: string): number {
  // Good enough for slicing the pipeline text: up to the next space or delimiter.
  const rest = source.slice(token.at);
  if (token.kind === 'string') {
    const end = skipQuoted(rest, 0);
    return end < 0 ? rest.length : end;
  }
  const match = /^[^\s|(),]+|^[|(),]|^:=/.exec(rest);
  return match ? match[0].length : 1;
}

function describe(token: Token): string {
  switch (token.kind) {
    case 'punct':
      return `"${token.value}"`;
    case 'identifier':
      return token.name;
    default:
      return token.kind;
  }
}

export function parsePipeline(inner: string): Pipeline | string {
  const tokens = tokenize(inner);
  if (typeof tokens === 'string') return tokens;
  if (tokens.length === 0) return 'an empty action';
  return new PipelineParser(tokens, inner).parseAll();
}

// ---- Structure -----------------------------------------------------------------------------------

type Frame = {
  kind: 'root' | 'if' | 'with' | 'range' | 'define';
  node?: BranchNode | DefineNode;
  list: TemplateNode[];
  inElse: boolean;
  /** `else if`: this frame closes together with its parent at `end`. */
  chained: boolean;
};

/**
 * Parses a template text. `base` is the text's offset in its file (all node offsets are file offsets).
 */
export function parseTemplate(text: string, delimiters: Delimiters, base = 0): ParsedTemplate {
  const problems: ParseProblem[] = [];
  const defines = new Map<string, DefineNode>();
  const root: Frame = { kind: 'root', list: [], inElse: false, chained: false };
  const stack: Frame[] = [root];
  const top = (): Frame => stack[stack.length - 1] as Frame;

  const closeFrame = (at: number, end: number): void => {
    for (;;) {
      const frame = stack.pop() as Frame;
      const node = frame.node;
      if (node && node.type !== 'define') {
        if (frame.inElse) node.elseList = frame.list;
        else node.list = frame.list;
        if (!frame.inElse) node.bodyEnd = at;
        node.end = end;
      } else if (node && node.type === 'define') {
        node.list = frame.list;
        node.end = end;
        defines.set(node.name, node);
      }
      if (!frame.chained) return;
    }
  };

  for (const item of scan(text, base, delimiters, problems)) {
    if ('type' in item) {
      if (item.text !== '') top().list.push(item);
      continue;
    }
    const inner = item.inner.trim();
    if (inner.startsWith('/*')) continue; // comment
    const keyword = /^(if|else|end|range|with|define|template|block|break|continue)\b/.exec(inner)?.[1];
    const rest = keyword ? inner.slice(keyword.length).trim() : inner;
    switch (keyword) {
      case 'if':
      case 'with':
      case 'range': {
        const pipe = parsePipeline(rest);
        if (typeof pipe === 'string') {
          problems.push({ message: `${keyword}: ${pipe}`, start: item.start });
          // Keep the structure balanced: an unreadable condition is still a block.
        }
        const node: BranchNode = { type: keyword, pipe: typeof pipe === 'string' ? { commands: [], text: rest } : pipe, list: [], start: item.start, end: item.end, bodyStart: item.end, bodyEnd: item.end };
        top().list.push(node);
        stack.push({ kind: keyword, node, list: [], inElse: false, chained: false });
        break;
      }
      case 'else': {
        const frame = top();
        if (frame.kind === 'root' || frame.kind === 'define' || frame.inElse || !frame.node || frame.node.type === 'define') {
          problems.push({ message: 'else outside if/with/range', start: item.start });
          break;
        }
        const node = frame.node;
        node.list = frame.list;
        node.bodyEnd = item.start;
        node.elseStart = item.end;
        frame.list = [];
        frame.inElse = true;
        const chainedKeyword = /^(if|with)\b/.exec(rest)?.[1] as 'if' | 'with' | undefined;
        if (chainedKeyword) {
          const pipe = parsePipeline(rest.slice(chainedKeyword.length).trim());
          if (typeof pipe === 'string') problems.push({ message: `else ${chainedKeyword}: ${pipe}`, start: item.start });
          const chained: BranchNode = {
            type: chainedKeyword,
            pipe: typeof pipe === 'string' ? { commands: [], text: rest } : pipe,
            list: [],
            start: item.start,
            end: item.end,
            bodyStart: item.end,
            bodyEnd: item.end,
          };
          frame.list.push(chained);
          stack.push({ kind: chainedKeyword, node: chained, list: [], inElse: false, chained: true });
        }
        break;
      }
      case 'end':
        if (stack.length === 1) {
          problems.push({ message: 'end without a block', start: item.start });
          break;
        }
        closeFrame(item.start, item.end);
        break;
      case 'define':
      case 'block': {
        const name = /^("(?:[^"\\]|\\.)*"|`[^`]*`)/.exec(rest)?.[1];
        const value = name ? (name.startsWith('`') ? name.slice(1, -1) : unquoteGo(name)) : undefined;
        if (value === undefined) {
          problems.push({ message: `${keyword} without a name`, start: item.start });
          break;
        }
        const node: DefineNode = { type: 'define', name: value, list: [], start: item.start, end: item.end };
        // Kept in place (it renders nothing) so that a position inside it is known to be inside it.
        top().list.push(node);
        if (keyword === 'block') {
          // `block` = define + template call in place.
          const pipe = parsePipeline(rest.slice((name as string).length).trim() || '.');
          const call: TemplateCallNode = { type: 'template', name: value, start: item.start, end: item.end };
          if (typeof pipe !== 'string') call.pipe = pipe;
          top().list.push(call);
        }
        stack.push({ kind: 'define', node, list: [], inElse: false, chained: false });
        break;
      }
      case 'template': {
        const name = /^("(?:[^"\\]|\\.)*"|`[^`]*`)/.exec(rest)?.[1];
        const value = name ? (name.startsWith('`') ? name.slice(1, -1) : unquoteGo(name)) : undefined;
        if (value === undefined) {
          problems.push({ message: 'template without a name', start: item.start });
          break;
        }
        const call: TemplateCallNode = { type: 'template', name: value, start: item.start, end: item.end };
        const argument = rest.slice((name as string).length).trim();
        if (argument !== '') {
          const pipe = parsePipeline(argument);
          if (typeof pipe === 'string') problems.push({ message: `template: ${pipe}`, start: item.start });
          else call.pipe = pipe;
        }
        top().list.push(call);
        break;
      }
      case 'break':
      case 'continue':
        top().list.push({ type: keyword, start: item.start, end: item.end });
        break;
      default: {
        const pipe = parsePipeline(inner);
        if (typeof pipe === 'string') {
          problems.push({ message: pipe, start: item.start });
          // An unreadable action still occupies its place: evaluated, it is unknown.
          top().list.push({ type: 'action', pipe: { commands: [], text: inner }, start: item.start, end: item.end });
        } else {
          top().list.push({ type: 'action', pipe, start: item.start, end: item.end });
        }
      }
    }
  }
  if (stack.length > 1) problems.push({ message: `${top().kind} is never closed with {{ end }}`, start: top().node?.start ?? base });
  while (stack.length > 1) closeFrame(base + text.length, base + text.length);
  return { nodes: root.list, defines, problems };
}
