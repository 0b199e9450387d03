/**
 * The values a template sees, as Helm and KOTS see them, with where each piece came from.
 *
 * Helm reads values.yaml through sigs.k8s.io/yaml (YAML → JSON → `interface{}`), so every number is a
 * float64 and prints the way Go's `fmt` prints one: `tag: 1.10` renders `1.1`, `tag: 20240101` renders
 * `2.0240101e+07` — both real install failures, so they are modelled, not smoothed over. A string keeps
 * its pieces (`Segment`s) with their origin (file and offsets), so a finding about an image built from
 * several values can point at the one that needs the fix. `unknown` is what the static evaluator could
 * not know (a license field, a template outside the subset); printing it makes the output incomplete.
 */
import { isNullScalar, type YNode, type YScalar } from '../yaml/yamlTree';

/** Where a value (or a piece of a string) came from. */
export interface Origin {
  /** The file holding it; for a chart read from a `.tgz`, the archive path (see `entry`). */
  file: string;
  start: number;
  end: number;
  /** Readable place: `.Values.image.tag`, `Chart.yaml appVersion`, `HelmChart values image.tag`. */
  label: string;
  /** Inside a packaged chart: the entry path in the archive (`acme-api/values.yaml`); offsets are in that entry. */
  entry?: string;
  /** For a value read from YAML: its key path from the values' root (a quick fix writes there). */
  path?: string[];
}

/**
 * The file and (inside a packaged chart) entry a source key names: `charts/api-1.0.tgz#api/values.yaml`
 * is the entry `api/values.yaml` of that archive; any other key is a file path.
 */
export function sourceOfKey(key: string): { file: string; entry?: string } {
  const hash = key.indexOf('.tgz#');
  return hash < 0 ? { file: key } : { file: key.slice(0, hash + 4), entry: key.slice(hash + 5) };
}

export interface Segment {
  text: string;
  origin?: Origin;
  /** Set when this piece could not be evaluated: why (the output is then incomplete). */
  unknown?: string;
}

export type Value =
  | { kind: 'string'; segments: Segment[]; origin?: Origin }
  | { kind: 'number'; value: number; origin?: Origin }
  | { kind: 'bool'; value: boolean; origin?: Origin }
  | { kind: 'nil'; origin?: Origin; /** The path that was looked up, for messages. */ path?: string }
  | { kind: 'map'; entries: Map<string, Value>; origin?: Origin }
  | { kind: 'list'; items: Value[]; origin?: Origin }
  | { kind: 'unknown'; reason: string; origin?: Origin };

export const NIL: Value = { kind: 'nil' };

export function str(text: string, origin?: Origin): Value {
  return origin ? { kind: 'string', segments: [{ text, origin }], origin } : { kind: 'string', segments: [{ text }] };
}

export function unknown(reason: string, origin?: Origin): Value {
  return origin ? { kind: 'unknown', reason, origin } : { kind: 'unknown', reason };
}

export function bool(value: boolean): Value {
  return { kind: 'bool', value };
}

export function mapOf(entries: Record<string, Value>): Value {
  return { kind: 'map', entries: new Map(Object.entries(entries)) };
}

/** The plain text of a string value (unknown pieces contribute nothing). */
export function textOf(value: Value): string {
  return value.kind === 'string' ? value.segments.map((segment) => segment.text).join('') : printSegments(value).map((s) => s.text).join('');
}

/** The pieces covering text [from, to) of a segment list; an origin that maps 1:1 is narrowed to what is kept. */
export function sliceSegments(segments: readonly Segment[], from: number, to: number): Segment[] {
  const out: Segment[] = [];
  let position = 0;
  for (const segment of segments) {
    const end = position + segment.text.length;
    const a = Math.max(from, position);
    const b = Math.min(to, end);
    if (b > a || (segment.unknown !== undefined && position >= from && position <= to)) {
      const piece: Segment = { text: segment.text.slice(a - position, Math.max(a, b) - position) };
      if (segment.origin) {
        const o = segment.origin;
        piece.origin = o.end - o.start === segment.text.length ? { ...o, start: o.start + (a - position), end: o.start + (Math.max(a, b) - position) } : o;
      }
      if (segment.unknown !== undefined) piece.unknown = segment.unknown;
      out.push(piece);
    }
    position = end;
  }
  return out;
}

/** Whether a value, printed, would be complete (no unknown piece). */
export function isComplete(segments: readonly Segment[]): boolean {
  return segments.every((segment) => segment.unknown === undefined);
}

/** The reasons of the unknown pieces. */
export function unknownReasons(segments: readonly Segment[]): string[] {
  return [...new Set(segments.flatMap((segment) => (segment.unknown === undefined ? [] : [segment.unknown])))];
}

// ---- Go's fmt, as text/template prints values ---------------------------------------------------------

/** `fmt.Sprint(float64)`: shortest representation, `%e` form when the exponent is < -4 or >= 6 (Go's %v = %g, shortest). */
export function formatGoFloat(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? '+Inf' : '-Inf';
  if (value === 0) return Object.is(value, -0) ? '-0' : '0';
  // Shortest round-trip digits and decimal exponent, as strconv.FormatFloat(f, 'g', -1, 64) finds them.
  const [mantissa = '0', exponentText = '0'] = Math.abs(value).toExponential().split('e');
  const digits = mantissa.replace('.', '');
  const exponent = Number(exponentText);
  const sign = value < 0 ? '-' : '';
  // strconv's %g with the shortest precision decides with precision 6: %e when exp < -4 || exp >= 6.
  if (exponent < -4 || exponent >= 6) {
    const fraction = digits.length > 1 ? `.${digits.slice(1)}` : '';
    const magnitude = Math.abs(exponent);
    return `${sign}${digits[0]}${fraction}e${exponent < 0 ? '-' : '+'}${magnitude < 10 ? `0${magnitude}` : magnitude}`;
  }
  if (exponent >= digits.length - 1) return `${sign}${digits}${'0'.repeat(exponent - digits.length + 1)}`;
  if (exponent >= 0) return `${sign}${digits.slice(0, exponent + 1)}.${digits.slice(exponent + 1)}`;
  return `${sign}0.${'0'.repeat(-exponent - 1)}${digits}`;
}

/**
 * The pieces `{{ value }}` prints. `nil` prints nothing in Helm (it replaces Go's `<no value>`), but a
 * missing or empty value printed straight into an image is almost always a chart that expects the
 * user to set it: that piece is marked unknown, so the image stays a template rather than a guess.
 */
export function printSegments(value: Value): Segment[] {
  switch (value.kind) {
    case 'string':
      return value.segments;
    case 'number':
      return [withOrigin({ text: formatGoFloat(value.value) }, value.origin)];
    case 'bool':
      return [withOrigin({ text: value.value ? 'true' : 'false' }, value.origin)];
    case 'nil':
      return [{ text: '', unknown: value.path ? `${value.path} is not set` : 'a value that is not set' }];
    case 'unknown':
      return [withOrigin({ text: '', unknown: value.reason }, value.origin)];
    case 'map':
      return [{ text: '', unknown: 'a map printed as text' }];
    case 'list':
      return [{ text: '', unknown: 'a list printed as text' }];
  }
}

/**
 * What `{{ value }}` (or a printf verb) writes into the output: like printSegments, but an empty string
 * read from a values file is marked unknown too — an image part a chart leaves empty by default is one
 * the installer is expected to set, so the image stays a template rather than a malformed guess.
 */
export function outputSegments(value: Value): Segment[] {
  if (value.kind === 'string' && value.origin && value.segments.every((segment) => segment.text === '' && segment.unknown === undefined)) {
    return [{ text: '', unknown: `${value.origin.label} is empty`, origin: value.origin }];
  }
  return printSegments(value);
}

function withOrigin(segment: Segment, origin: Origin | undefined): Segment {
  if (origin) segment.origin = origin;
  return segment;
}

/** Go template truth: false, 0, nil, empty string/map/list are false. Undefined when it cannot be known. */
export function truthOf(value: Value): boolean | undefined {
  switch (value.kind) {
    case 'bool':
      return value.value;
    case 'number':
      return value.value !== 0;
    case 'nil':
      return false;
    case 'string':
      if (!isComplete(value.segments)) return value.segments.some((s) => s.unknown === undefined && s.text !== '') ? true : undefined;
      return value.segments.some((segment) => segment.text !== '');
    case 'map':
      return value.entries.size > 0;
    case 'list':
      return value.items.length > 0;
    case 'unknown':
      return undefined;
  }
}

/** Whether two values are equal (Go's `eq` on basic kinds); undefined when unknown. */
export function valuesEqual(a: Value, b: Value): boolean | undefined {
  if (a.kind === 'unknown' || b.kind === 'unknown') return undefined;
  if (a.kind === 'string' && b.kind === 'string') {
    if (!isComplete(a.segments) || !isComplete(b.segments)) return undefined;
    return textOf(a) === textOf(b);
  }
  if (a.kind === 'number' && b.kind === 'number') return a.value === b.value;
  if (a.kind === 'bool' && b.kind === 'bool') return a.value === b.value;
  if (a.kind === 'nil' && b.kind === 'nil') return true;
  if (a.kind === 'nil' || b.kind === 'nil') return false;
  return a.kind === b.kind ? undefined : false;
}

/** Whether a value is Helm/Sprig "empty" (what `default` and `empty` test). Undefined when unknown. */
export function isEmpty(value: Value): boolean | undefined {
  const truth = truthOf(value);
  return truth === undefined ? undefined : !truth;
}

// ---- From YAML -----------------------------------------------------------------------------------------

const YAML_TRUE = new Set(['true', 'True', 'TRUE', 'yes', 'Yes', 'YES', 'on', 'On', 'ON', 'y', 'Y']);
const YAML_FALSE = new Set(['false', 'False', 'FALSE', 'no', 'No', 'NO', 'off', 'Off', 'OFF', 'n', 'N']);
const INTEGER = /^[-+]?(?:0|[1-9][0-9_]*)$/;
const FLOAT = /^[-+]?(?:[0-9][0-9_]*)?\.[0-9_]*(?:[eE][-+]?[0-9]+)?$|^[-+]?[0-9][0-9_]*[eE][-+]?[0-9]+$/;

/**
 * How Helm types a plain scalar (go-yaml v2 rules, then JSON): booleans in YAML 1.1 spellings, decimal
 * integers and floats become numbers, `~`/`null` become nil; anything else is a string.
 */
export function typedPlainScalar(text: string, origin?: Origin): Value {
  if (text === '' || text === '~' || text === 'null' || text === 'Null' || text === 'NULL') return origin ? { kind: 'nil', origin } : NIL;
  if (YAML_TRUE.has(text) && text.length > 1) return origin ? { kind: 'bool', value: true, origin } : bool(true);
  if (YAML_FALSE.has(text) && text.length > 1) return origin ? { kind: 'bool', value: false, origin } : bool(false);
  if ((INTEGER.test(text) || (FLOAT.test(text) && /[0-9]/.test(text))) && !text.endsWith('_')) {
    const number = Number(text.replace(/_/g, ''));
    if (Number.isFinite(number)) return origin ? { kind: 'number', value: number, origin } : { kind: 'number', value: number };
  }
  return str(text, origin);
}

export interface FromYamlOptions {
  file: string;
  /** Label prefix for origins: `.Values`, `HelmChart values`. */
  labelRoot: string;
  entry?: string;
  /**
   * A plain or quoted scalar that holds a template (KOTS `repl{{ }}`): turned into a value by the caller
   * (evaluated per install mode), or left as a string.
   */
  scalar?: (node: YScalar, origin: Origin) => Value | undefined;
}

/** A YNode tree as a Value tree with origins (`path` is the key path, for labels). */
export function valueFromYaml(node: YNode | null | undefined, options: FromYamlOptions, path: string[] = [], depth = 0): Value {
  if (!node) return NIL;
  if (depth > 100) return unknown('values nested too deeply');
  if (node.type === 'scalar') {
    const origin: Origin = { file: options.file, start: node.start, end: node.end, label: labelFor(options.labelRoot, path), path };
    if (options.entry !== undefined) origin.entry = options.entry;
    const custom = options.scalar?.(node, origin);
    if (custom) return custom;
    if (node.style === 'block') return unknown(`${origin.label} is a block scalar`, origin);
    if (node.style === 'plain') return isNullScalar(node) ? { kind: 'nil', origin } : typedPlainScalar(node.value, origin);
    return str(node.value, origin);
  }
  if (node.type === 'seq') return { kind: 'list', items: node.items.map((item, index) => valueFromYaml(item, options, [...path, String(index)], depth + 1)) };
  const entries = new Map<string, Value>();
  node.keys.forEach((key, index) => entries.set(key, valueFromYaml(node.values[index] ?? null, options, [...path, key], depth + 1)));
  return { kind: 'map', entries };
}

export function labelFor(root: string, path: readonly string[]): string {
  if (path.length === 0) return root;
  const dotted = path.map((key) => (/^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`)).join('');
  return root.startsWith('.') ? `${root}${dotted}` : `${root} ${dotted.slice(1)}`;
}

// ---- Merging -------------------------------------------------------------------------------------------

/**
 * Helm's coalesce of user values over chart defaults: maps merge key by key, anything else in `over`
 * replaces, and an explicit `null` in `over` deletes the default.
 */
export function coalesce(over: Value, base: Value, depth = 0): Value {
  if (over.kind !== 'map' || base.kind !== 'map' || depth > 100) return over.kind === 'nil' && over.origin === undefined && base.kind !== 'nil' ? base : over;
  const entries = new Map(base.entries);
  for (const [key, value] of over.entries) {
    if (value.kind === 'nil' && value.origin !== undefined) {
      entries.delete(key);
      continue;
    }
    const previous = entries.get(key);
    entries.set(key, previous ? coalesce(value, previous, depth + 1) : value);
  }
  return { kind: 'map', entries };
}

/** KOTS optionalValues without `recursiveMerge`: each top-level key of `over` replaces the one in `base`. */
export function replaceTopLevel(over: Value, base: Value): Value {
  if (over.kind !== 'map') return base;
  const entries = new Map(base.kind === 'map' ? base.entries : []);
  for (const [key, value] of over.entries) entries.set(key, value);
  return { kind: 'map', entries };
}

/** KOTS `MergeHelmChartValues` (recursiveMerge: true): nested maps merge, `over` wins elsewhere. */
export function mergeRecursive(over: Value, base: Value, depth = 0): Value {
  if (over.kind !== 'map' || base.kind !== 'map' || depth > 100) return over;
  const entries = new Map(base.entries);
  for (const [key, value] of over.entries) {
    const previous = entries.get(key);
    entries.set(key, previous && previous.kind === 'map' ? mergeRecursive(value, previous, depth + 1) : value);
  }
  return { kind: 'map', entries };
}

/** `value.a.b` (nil when absent; unknown propagates). */
export function lookUp(value: Value, keys: readonly string[]): Value {
  let current = value;
  for (const key of keys) {
    if (current.kind === 'unknown') return current;
    if (current.kind !== 'map') return NIL;
    current = current.entries.get(key) ?? NIL;
  }
  return current;
}
