/**
 * The template functions the evaluator knows: Go's builtins and the Sprig/Helm functions charts use
 * to build image references and decide branches. Every other function evaluates to `unknown` (its
 * name is given in the hover), never to a guess. Behaviour follows Go text/template and Sprig v3:
 * `default` takes the default when the value is empty, `ternary` is `ternary vTrue vFalse cond`,
 * `printf` is Go's fmt with the verbs charts use (%s %v %d %q %%).
 */
import type { FunctionCall, TemplateFunction } from './evaluate';
import { NIL, formatGoFloat, isComplete, isEmpty, outputSegments, printSegments, sliceSegments, str, truthOf, unknown, valuesEqual, type Segment, type Value } from './values';

/** A string value from pieces (keeps origins). */
function fromSegments(segments: Segment[]): Value {
  return { kind: 'string', segments };
}

/** The text of a value as a string argument, or undefined when any piece is unknown. */
function plain(value: Value | undefined): string | undefined {
  if (!value) return undefined;
  const segments = printSegments(value);
  return isComplete(segments) ? segments.map((s) => s.text).join('') : undefined;
}

/** Applies a text transformation keeping origins when the text is unchanged at the edges. */
function transform(value: Value, change: (text: string) => string): Value {
  const segments = printSegments(value);
  if (!isComplete(segments)) return fromSegments(segments);
  const before = segments.map((s) => s.text).join('');
  const after = change(before);
  if (after === before) return fromSegments(segments);
  // Trim-like changes: keep the pieces that survive, cut at the edges.
  const start = before.indexOf(after);
  if (after !== '' && start >= 0) return fromSegments(sliceSegments(segments, start, start + after.length));
  const origin = segments.length === 1 ? segments[0]?.origin : undefined;
  return str(after, origin);
}

function concat(values: Value[], separator = ''): Value {
  const segments: Segment[] = [];
  values.forEach((value, index) => {
    if (index > 0 && separator !== '') segments.push({ text: separator });
    segments.push(...printSegments(value));
  });
  return fromSegments(segments);
}

/** Go's `print`: spaces between operands when neither is a string. */
function goPrint(values: Value[]): Value {
  const segments: Segment[] = [];
  values.forEach((value, index) => {
    const previous = values[index - 1];
    if (index > 0 && previous && previous.kind !== 'string' && value.kind !== 'string') segments.push({ text: ' ' });
    segments.push(...printSegments(value));
  });
  return fromSegments(segments);
}

/** Go's fmt.Sprintf for %s %v %d %q %t %f %%; other verbs make the result unknown. */
export function goSprintf(format: string, args: Value[]): Value {
  const segments: Segment[] = [];
  let argument = 0;
  let literal = '';
  const flush = (): void => {
    if (literal !== '') segments.push({ text: literal });
    literal = '';
  };
  for (let i = 0; i < format.length; i++) {
    const c = format[i];
    if (c !== '%') {
      literal += c;
      continue;
    }
    const verb = format[++i];
    if (verb === '%') {
      literal += '%';
      continue;
    }
    const value = args[argument++];
    if (value === undefined) {
      literal += `%!${verb}(MISSING)`;
      continue;
    }
    flush();
    switch (verb) {
      case 's':
      case 'v':
        segments.push(...outputSegments(value));
        break;
      case 'd':
        if (value.kind === 'number' && Number.isInteger(value.value)) segments.push({ text: String(value.value) });
        else if (value.kind === 'number') segments.push({ text: `%!d(float64=${formatGoFloat(value.value)})` });
        else segments.push(...printSegments(value));
        break;
      case 'q': {
        const text = plain(value);
        segments.push(text === undefined ? { text: '', unknown: 'a %q of an unknown value' } : { text: JSON.stringify(text) });
        break;
      }
      case 't':
        segments.push(...printSegments(value));
        break;
      default:
        segments.push({ text: '', unknown: `printf verb %${verb ?? ''} is outside the evaluated subset` });
    }
  }
  flush();
  if (argument < args.length) segments.push({ text: `%!(EXTRA ${args.slice(argument).map(() => 'string').join(', ')})` });
  return fromSegments(segments);
}

/** Undecidable truth → one of both sides, recorded. */
function decide(value: Value, call: FunctionCall, what: string): boolean {
  const truth = truthOf(value);
  return truth === undefined ? call.decisions.choose(what) : truth;
}

function kindName(value: Value): string | undefined {
  switch (value.kind) {
    case 'string':
      return 'string';
    case 'number':
      return 'float64';
    case 'bool':
      return 'bool';
    case 'map':
      return 'map';
    case 'list':
      return 'slice';
    case 'nil':
      return 'invalid';
    case 'unknown':
      return undefined;
  }
}

function boolValue(value: boolean | undefined, why: string): Value {
  return value === undefined ? unknown(why) : { kind: 'bool', value };
}

function argumentCount(call: FunctionCall, args: Value[], min: number, max = min): Value | undefined {
  if (args.length < min || args.length > max) return unknown(`${call.name} called with ${args.length} argument${args.length === 1 ? '' : 's'}`);
  return undefined;
}

/** Go builtins and Sprig/Helm functions of the evaluated subset. */
export const STANDARD_FUNCTIONS: ReadonlyMap<string, TemplateFunction> = new Map<string, TemplateFunction>([
  ['print', (args) => goPrint(args)],
  ['println', (args) => concat([...args.flatMap((arg, index) => (index === 0 ? [arg] : [str(' '), arg])), str('\n')])],
  ['printf', (args, call) => {
    const format = plain(args[0]);
    return format === undefined ? unknown(`printf with a format that is not known (${call.text})`) : goSprintf(format, args.slice(1));
  }],
  ['cat', (args) => concat(args.filter((arg) => arg.kind !== 'nil'), ' ')],
  ['quote', (args) => concat(args.flatMap((arg, index) => [...(index > 0 ? [str(' ')] : []), str('"'), transform(arg, (text) => text.replace(/["\\]/g, (c) => `\\${c}`)), str('"')]))],
  ['squote', (args) => concat(args.flatMap((arg, index) => [...(index > 0 ? [str(' ')] : []), str("'"), arg, str("'")]))],
  ['toString', (args) => (args[0] ? fromSegments(printSegments(args[0])) : str(''))],
  ['trim', (args) => (args[0] ? transform(args[0], (text) => text.trim()) : str(''))],
  ['trimSuffix', (args, call) => argumentCount(call, args, 2) ?? trimWith(args, call, (text, cut) => (cut !== '' && text.endsWith(cut) ? text.slice(0, -cut.length) : text))],
  ['trimPrefix', (args, call) => argumentCount(call, args, 2) ?? trimWith(args, call, (text, cut) => (cut !== '' && text.startsWith(cut) ? text.slice(cut.length) : text))],
  ['trimAll', (args, call) => argumentCount(call, args, 2) ?? trimWith(args, call, (text, cut) => trimAll(text, cut))],
  ['lower', (args) => (args[0] ? transform(args[0], (text) => text.toLowerCase()) : str(''))],
  ['upper', (args) => (args[0] ? transform(args[0], (text) => text.toUpperCase()) : str(''))],
  ['replace', (args, call) => {
    const [from, to, value] = args.map(plain);
    if (from === undefined || to === undefined || !args[2]) return unknown(`replace with unknown arguments (${call.text})`);
    return value === undefined ? fromSegments(printSegments(args[2])) : str(value.split(from).join(to));
  }],
  ['default', (args, call) => {
    if (args.length < 2) return args[0] ?? NIL;
    const [fallback, given] = [args[0] as Value, args[args.length - 1] as Value];
    const empty = isEmpty(given);
    if (empty === undefined) return call.decisions.choose(`${call.text} (is the value empty?)`) ? fallback : given;
    return empty ? fallback : given;
  }],
  ['empty', (args, call) => {
    const empty = args[0] ? isEmpty(args[0]) : true;
    return empty === undefined ? { kind: 'bool', value: call.decisions.choose(`${call.text}`) } : { kind: 'bool', value: empty };
  }],
  ['coalesce', (args, call) => {
    for (const arg of args) {
      const empty = isEmpty(arg);
      if (empty === false) return arg;
      if (empty === undefined && !call.decisions.choose(`${call.text} (is it empty?)`)) return arg;
    }
    return NIL;
  }],
  ['ternary', (args, call) => {
    if (args.length !== 3) return unknown(`ternary needs 3 arguments (${call.text})`);
    return decide(args[2] as Value, call, call.text) ? (args[0] as Value) : (args[1] as Value);
  }],
  ['required', (args, call) => {
    const value = args[args.length - 1] ?? NIL;
    const empty = isEmpty(value);
    if (empty === true) return unknown(`a required value is not set (${call.text}): Helm stops the install`);
    return value;
  }],
  ['not', (args, call) => {
    const truth = args[0] ? truthOf(args[0]) : false;
    return { kind: 'bool', value: !(truth === undefined ? call.decisions.choose(call.text.replace(/^not\s+/, '')) : truth) };
  }],
  ['and', (args, call) => {
    for (const arg of args) if (!decide(arg, call, call.text)) return arg;
    return args[args.length - 1] ?? NIL;
  }],
  ['or', (args, call) => {
    for (const arg of args) if (decide(arg, call, call.text)) return arg;
    return args[args.length - 1] ?? NIL;
  }],
  ['eq', (args, call) => {
    const [first, ...others] = args;
    if (!first || others.length === 0) return unknown(`eq needs 2 arguments (${call.text})`);
    let result: boolean | undefined = false;
    for (const other of others) {
      const equal = valuesEqual(first, other);
      if (equal === true) return { kind: 'bool', value: true };
      if (equal === undefined) result = undefined;
    }
    return boolValue(result, `${call.text} cannot be decided`);
  }],
  ['ne', (args, call) => {
    if (args.length !== 2) return unknown(`ne needs 2 arguments (${call.text})`);
    const equal = valuesEqual(args[0] as Value, args[1] as Value);
    return boolValue(equal === undefined ? undefined : !equal, `${call.text} cannot be decided`);
  }],
  ['hasKey', (args) => {
    const [map, key] = args;
    const name = plain(key);
    if (!map || name === undefined) return unknown('hasKey with unknown arguments');
    if (map.kind === 'unknown') return unknown(map.reason);
    return { kind: 'bool', value: map.kind === 'map' && map.entries.has(name) };
  }],
  ['get', (args) => {
    const [map, key] = args;
    const name = plain(key);
    if (!map || name === undefined) return unknown('get with unknown arguments');
    if (map.kind === 'unknown') return map;
    return map.kind === 'map' ? (map.entries.get(name) ?? str('')) : str('');
  }],
  ['index', (args) => {
    let value = args[0] ?? NIL;
    for (const key of args.slice(1)) {
      if (value.kind === 'unknown') return value;
      if (value.kind === 'map') value = value.entries.get(plain(key) ?? '\u0000') ?? NIL;
      else if (value.kind === 'list' && key.kind === 'number') value = value.items[key.value] ?? unknown('index out of range');
      else return unknown('index of a value that is not known');
    }
    return value;
  }],
  ['dict', (args) => {
    const entries = new Map<string, Value>();
    for (let i = 0; i + 1 < args.length; i += 2) {
      const key = plain(args[i]);
      if (key === undefined) return unknown('dict with a key that is not known');
      entries.set(key, args[i + 1] as Value);
    }
    return { kind: 'map', entries };
  }],
  ['list', (args) => ({ kind: 'list', items: args })],
  ['kindIs', (args) => {
    const [kind, value] = args;
    const actual = value ? kindName(value) : 'invalid';
    const wanted = plain(kind);
    return actual === undefined || wanted === undefined ? unknown('kindIs of an unknown value') : { kind: 'bool', value: actual === wanted };
  }],
  ['len', (args) => {
    const value = args[0] ?? NIL;
    if (value.kind === 'list') return { kind: 'number', value: value.items.length };
    if (value.kind === 'map') return { kind: 'number', value: value.entries.size };
    const text = plain(value);
    return text === undefined ? unknown('len of an unknown value') : { kind: 'number', value: text.length };
  }],
  ['contains', (args) => predicate(args, (needle, haystack) => haystack.includes(needle))],
  ['hasPrefix', (args) => predicate(args, (prefix, text) => text.startsWith(prefix))],
  ['hasSuffix', (args) => predicate(args, (suffix, text) => text.endsWith(suffix))],
  ['int', (args) => toNumber(args[0], Math.trunc)],
  ['int64', (args) => toNumber(args[0], Math.trunc)],
  ['float64', (args) => toNumber(args[0], (n) => n)],
  ['nindent', (args) => indent(args, true)],
  ['indent', (args) => indent(args, false)],
]);

function predicate(args: Value[], test: (first: string, second: string) => boolean): Value {
  const [a, b] = args.map(plain);
  return a === undefined || b === undefined ? unknown('a string test of an unknown value') : { kind: 'bool', value: test(a, b) };
}

function toNumber(value: Value | undefined, round: (n: number) => number): Value {
  if (!value) return { kind: 'number', value: 0 };
  if (value.kind === 'number') return { kind: 'number', value: round(value.value) };
  const text = plain(value);
  if (text === undefined) return unknown('a number that is not known');
  const parsed = Number(text);
  return { kind: 'number', value: Number.isFinite(parsed) ? round(parsed) : 0 };
}

function indent(args: Value[], newline: boolean): Value {
  const [width, value] = args;
  const spaces = width?.kind === 'number' ? ' '.repeat(Math.max(0, Math.min(200, width.value))) : undefined;
  const text = plain(value);
  if (spaces === undefined || text === undefined) return unknown('indent of an unknown value');
  return str(`${newline ? '\n' : ''}${text.split('\n').map((line) => spaces + line).join('\n')}`);
}

function trimWith(args: Value[], call: FunctionCall, cut: (text: string, what: string) => string): Value {
  const what = plain(args[0]);
  const value = args[1] as Value;
  if (what === undefined) return unknown(`${call.name} with an argument that is not known`);
  return transform(value, (text) => cut(text, what));
}

function trimAll(text: string, cutset: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && cutset.includes(text[start] as string)) start++;
  while (end > start && cutset.includes(text[end - 1] as string)) end--;
  return text.slice(start, end);
}

