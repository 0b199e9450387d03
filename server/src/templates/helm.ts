/**
 * The Helm side of the evaluator: the data a chart template runs with (`.Values`, `.Chart`, `.Release`,
 * ...), the named templates of a chart and its library charts, the context (dot, variables, enclosing
 * `if`/`with`/`range`) at a place in a template file, and the value of an image scalar there.
 *
 * An image scalar is evaluated in place, not by rendering the whole file: the line scanner already
 * knows where each `image:` value sits, so its offsets stay exact, and a construct elsewhere in the file
 * that the subset cannot evaluate costs nothing. The enclosing blocks are evaluated on the way to it: a
 * branch whose condition is false does not render the image (the hover says so); an undecidable one
 * is taken both ways by the driver (`explore`).
 */
import { Evaluator, evaluateNodes, type Decisions, type EvaluatorOptions, type NamedTemplates, type Scope, type TemplateFunction } from './evaluate';
import { STANDARD_FUNCTIONS } from './functions';
import { parseTemplate, type DefineNode, type ParsedTemplate, type TemplateNode } from './parse';
import { isComplete, printSegments, sliceSegments, str, truthOf, unknown, type Origin, type Segment, type Value } from './values';

export interface ChartMetadata {
  name: string;
  version: string;
  appVersion?: string;
  /** Where `appVersion` sits in Chart.yaml. */
  appVersionOrigin?: Origin;
  type?: string;
}

/** The `.` of a chart template: what Helm passes to every template of the chart. */
export function chartRoot(values: Value, chart: ChartMetadata, templateName: string, releaseNamespace?: string): Value {
  const chartFields = new Map<string, Value>([
    ['Name', str(chart.name)],
    ['Version', str(chart.version)],
    ['AppVersion', chart.appVersion === undefined ? { kind: 'nil', path: '.Chart.AppVersion' } : str(chart.appVersion, chart.appVersionOrigin)],
    ['Type', str(chart.type ?? 'application')],
  ]);
  const release = new Map<string, Value>([
    ['Name', unknown('the release name is chosen at install')],
    ['Namespace', releaseNamespace === undefined ? unknown('the release namespace is chosen at install') : str(releaseNamespace)],
    ['Service', str('Helm')],
    ['IsInstall', { kind: 'bool', value: true }],
    ['IsUpgrade', { kind: 'bool', value: false }],
    ['Revision', { kind: 'number', value: 1 }],
  ]);
  return {
    kind: 'map',
    entries: new Map<string, Value>([
      ['Values', values],
      ['Chart', { kind: 'map', entries: chartFields }],
      ['Release', { kind: 'map', entries: release }],
      ['Capabilities', unknown('the cluster capabilities are known only at install')],
      ['Files', unknown('.Files is outside the evaluated subset')],
      ['Template', { kind: 'map', entries: new Map([['Name', str(templateName)], ['BasePath', str(`${chart.name}/templates`)]]) }],
    ]),
  };
}

/** Helm's own functions on top of Go's and Sprig's (what the subset evaluates). */
export const HELM_FUNCTIONS: ReadonlyMap<string, TemplateFunction> = new Map<string, TemplateFunction>([
  ...STANDARD_FUNCTIONS,
  [
    'toYaml',
    (args) => {
      const value = args[0];
      if (!value || value.kind === 'map' || value.kind === 'list' || value.kind === 'unknown') return unknown('toYaml of a structure');
      return { kind: 'string', segments: printSegments(value) };
    },
  ],
]);

/** A chart's template files, parsed on first need, and the named templates they define. */
export class ChartTemplates implements NamedTemplates {
  private readonly parsed = new Map<string, ParsedTemplate>();
  private index: Map<string, { node: DefineNode; file: string }> | undefined;

  /**
   * `files` in Helm's load order: the chart's own templates, then its subcharts' (a name defined twice
   * resolves to the last definition loaded, as in Helm, where templates of all charts share one namespace).
   */
  constructor(private readonly files: ReadonlyArray<{ path: string; text: string }>) {}

  parsedFile(path: string): ParsedTemplate | undefined {
    let parsed = this.parsed.get(path);
    if (!parsed) {
      const file = this.files.find((candidate) => candidate.path === path);
      if (!file) return undefined;
      parsed = parseTemplate(file.text, 'helm');
      this.parsed.set(path, parsed);
    }
    return parsed;
  }

  get(name: string): { node: DefineNode; file: string } | undefined {
    if (!this.index) {
      this.index = new Map();
      for (const file of this.files) {
        if (!file.text.includes('define')) continue;
        const parsed = this.parsedFile(file.path) as ParsedTemplate;
        for (const [defined, node] of parsed.defines) this.index.set(defined, { node, file: file.path });
      }
    }
    return this.index.get(name);
  }
}

export interface ImageScalar {
  /** The scalar's decoded text. */
  value: string;
  start: number;
  end: number;
  style: 'plain' | 'single' | 'double' | 'block';
  exact: boolean;
}

export type ScalarResult =
  | { rendered: true; segments: Segment[] }
  /** The image is not rendered in this run (its branch is not taken), or cannot be evaluated here. */
  | { rendered: false; reason: string; unsupported?: boolean };

/**
 * The value of the image scalar at `scalar` in a template file, for one run: the enclosing blocks are
 * evaluated from the top of the file down to it, then the scalar's own text.
 */
export function evaluateImageScalar(
  file: { path: string; parsed: ParsedTemplate },
  scalar: ImageScalar,
  root: Value,
  options: EvaluatorOptions,
  decisions: Decisions,
  walk: WalkOptions = {},
): ScalarResult {
  const evaluator = new Evaluator(options, decisions);
  let place: ReturnType<typeof walkTo>;
  try {
    place = walkTo(file.parsed.nodes, scalar.start, { dot: root, root, variables: [new Map<string, Value>()] }, evaluator, decisions, walk);
  } catch (error) {
    return { rendered: false, reason: error instanceof Error ? error.message : String(error), unsupported: true };
  }
  if ('dead' in place) return { rendered: false, reason: place.dead };
  if ('unsupported' in place) return { rendered: false, reason: place.unsupported, unsupported: true };
  const own = parseTemplate(scalar.value, 'helm', scalar.exact ? scalar.start : 0);
  if (own.problems.length > 0) return { rendered: false, reason: `the image value is not a self-contained template (${own.problems[0]?.message ?? ''})`, unsupported: true };
  const segments = evaluateNodes(own.nodes, place.scope, options, decisions, scalar.exact ? file.path : undefined);
  return { rendered: true, segments: asYamlScalar(segments, scalar.style) };
}

/**
 * The rendered text read back as the YAML scalar it becomes: a plain scalar rendered as `"..."` (from
 * `| quote`) is a quoted string, surrounding spaces go; a line break or a leftover quote means the
 * output is not one reference, which is not guessed.
 */
function asYamlScalar(segments: Segment[], style: ImageScalar['style']): Segment[] {
  if (!isComplete(segments)) return segments;
  let text = segments.map((segment) => segment.text).join('');
  let out = segments;
  const cut = (from: number, to: number): void => {
    out = sliceSegments(out, from, to);
    text = text.slice(from, to);
  };
  const leading = text.length - text.trimStart().length;
  cut(leading, leading + text.trim().length);
  if (style === 'plain' && text.length >= 2 && ((text.startsWith('"') && text.endsWith('"')) || (text.startsWith("'") && text.endsWith("'")))) cut(1, text.length - 1);
  if (/["'\n\r]/.test(text)) return [{ text: '', unknown: 'the template renders quotes or line breaks into the image value' }];
  return out;
}

type Place = { scope: Scope } | { dead: string } | { unsupported: string };

export interface WalkOptions {
  /**
   * Follow the image's own branch even where these values take the other one: the vendor's check of a
   * chart covers every image any branch renders (a customer may enable the feature), each outcome
   * saying which condition it assumes. The customer-pull checks evaluate what the values render.
   */
  everyBranch?: boolean;
}

/** Descends the file's blocks to the one holding `offset`, evaluating declarations and conditions on the way. */
function walkTo(nodes: readonly TemplateNode[], offset: number, scope: Scope, evaluator: Evaluator, decisions: Decisions, walk: WalkOptions): Place {
  for (const node of nodes) {
    if (node.end <= offset) {
      // A variable declared before the image, at this level, is visible to it.
      if (node.type === 'action' && node.pipe.decl) evaluator.pipeline(node.pipe, scope);
      continue;
    }
    if (node.start > offset) break;
    switch (node.type) {
      case 'text':
      case 'action':
      case 'template':
      case 'break':
      case 'continue':
        return { scope };
      case 'define':
        return { unsupported: `the image is inside the named template "${node.name}", whose data is known only where it is included` };
      case 'if':
      case 'with':
      case 'range': {
        if (offset < node.bodyStart) return { unsupported: 'the image value is inside a block action' };
        const inElse = node.elseStart !== undefined && offset >= node.elseStart;
        if (!inElse && offset >= node.bodyEnd) return { unsupported: 'the image value overlaps the end of a block' };
        const value = evaluator.pipeline({ commands: node.pipe.commands, text: node.pipe.text }, scope);
        const inner: Scope = { ...scope, variables: [...scope.variables, new Map<string, Value>()] };
        if (node.type === 'range') {
          if (inElse) {
            const empty = rangeLength(value);
            if (empty === undefined) {
              if (!decisions.choose(`range ${node.pipe.text} is empty`)) return { dead: `rendered only when ${node.pipe.text} is empty` };
            } else if (empty > 0) return { dead: `rendered only when ${node.pipe.text} is empty` };
            return walkTo(node.elseList ?? [], offset, inner, evaluator, decisions, walk);
          }
          const element = rangeElement(value, node.pipe.text, decisions);
          if ('dead' in element) return element;
          inner.dot = element.item;
          const names = node.pipe.decl?.names ?? [];
          const frame = inner.variables[inner.variables.length - 1] as Map<string, Value>;
          if (names.length === 1) frame.set(names[0] as string, element.item);
          if (names.length === 2) {
            frame.set(names[0] as string, element.key);
            frame.set(names[1] as string, element.item);
          }
          return walkTo(node.list, offset, inner, evaluator, decisions, walk);
        }
        let truth = truthOf(value);
        if (truth === undefined) truth = decisions.choose(node.pipe.text);
        else if (walk.everyBranch && truth === inElse) {
          // The values take the other branch: this image is still one a customer can get.
          decisions.assumptions.push({ condition: `${node.type} ${node.pipe.text}`, taken: `${!truth} (it is ${truth} with these values)` });
          truth = !truth;
        }
        if (inElse) {
          if (truth) return { dead: `rendered only when {{ ${node.type} ${node.pipe.text} }} is false` };
          return walkTo(node.elseList ?? [], offset, inner, evaluator, decisions, walk);
        }
        if (!truth) return { dead: `rendered only when {{ ${node.type} ${node.pipe.text} }} is true` };
        if (node.type === 'with') inner.dot = value;
        return walkTo(node.list, offset, inner, evaluator, decisions, walk);
      }
    }
  }
  return { scope };
}

function rangeLength(value: Value): number | undefined {
  if (value.kind === 'list') return value.items.length;
  if (value.kind === 'map') return value.entries.size;
  if (value.kind === 'nil') return 0;
  return undefined;
}

/** At most this many elements of a `range` are followed to an image inside it. */
const MAX_RANGE_ELEMENTS = 8;

function rangeElement(value: Value, text: string, decisions: Decisions): { key: Value; item: Value } | { dead: string } {
  const entries: Array<[Value, Value]> | undefined =
    value.kind === 'list'
      ? value.items.map((item, index): [Value, Value] => [{ kind: 'number', value: index }, item])
      : value.kind === 'map'
        ? [...value.entries.keys()].sort().map((key): [Value, Value] => [str(key), value.entries.get(key) as Value])
        : value.kind === 'nil'
          ? []
          : undefined;
  if (entries === undefined) return { key: unknown(`a key of ${text}`), item: unknown(`an element of ${text}, which is not known before install`) };
  if (entries.length === 0) return { dead: `${text} is empty, so the range renders nothing` };
  const shown = entries.slice(0, MAX_RANGE_ELEMENTS);
  const choice = shown.length === 1 ? 0 : decisions.pick(shown.length, `range ${text}`, (index) => `element ${index}`);
  const [key, item] = shown[choice] as [Value, Value];
  return { key, item };
}
