/**
 * The static evaluator: runs a parsed template (parse.ts) over Values (values.ts) the way Go's
 * text/template would, for the subset the README lists, and answers with every outcome.
 *
 * A condition it cannot decide (a value known only at install time) is not guessed: each run takes one
 * side, the driver (`explore`) runs again with the other side, and every outcome carries the
 * assumptions it was computed under — that is what "every branch that yields an image is checked, the
 * condition marked" means. Runs and steps are bounded, so no template (recursive `include`, a long
 * `range`) can make the analysis slow; hitting a bound makes the output unknown, never wrong.
 */
import type { DefineNode, Operand, ParsedTemplate, Pipeline, TemplateNode } from './parse';
import { NIL, isComplete, lookUp, outputSegments, printSegments, sourceOfKey, str, truthOf, unknown, type Segment, type Value } from './values';

/** One condition an outcome was computed under. */
export interface Assumption {
  /** The condition's source text, e.g. `.Values.image.digest` or `ConfigOptionEquals "db" "external"`. */
  condition: string;
  /** The side taken: for `range`, the element index as text. */
  taken: string;
}

export interface Outcome<T> {
  result: T;
  assumptions: Assumption[];
}

/** Maximum runs of one evaluation (2^4 independent undecidable conditions). */
export const MAX_RUNS = 16;
/** Maximum nodes, commands and function calls per run. */
export const MAX_STEPS = 20_000;
/** Maximum `include`/`template` nesting. */
export const MAX_CALL_DEPTH = 24;

/** Choices made during one run; replayed and advanced by `explore`. */
export class Decisions {
  readonly assumptions: Assumption[] = [];
  private index = 0;
  steps = 0;

  constructor(private readonly plan: number[], private readonly arity: number[]) {}

  /** Picks one of `count` alternatives for an undecidable point. */
  pick(count: number, condition: string, labels: (choice: number) => string): number {
    let choice: number;
    if (this.index < this.plan.length) choice = this.plan[this.index] as number;
    else {
      choice = 0;
      this.plan.push(0);
      this.arity.push(count);
    }
    this.index++;
    this.assumptions.push({ condition, taken: labels(choice) });
    return choice;
  }

  /** A yes/no condition: true first, then false. */
  choose(condition: string): boolean {
    return this.pick(2, condition, (choice) => (choice === 0 ? 'true' : 'false')) === 0;
  }

  tick(): void {
    if (++this.steps > MAX_STEPS) throw new BudgetExceeded('the template takes more steps than the evaluator allows');
  }
}

export class BudgetExceeded extends Error {}

/**
 * Runs `run` once per combination of undecidable choices (depth-first), at most MAX_RUNS times.
 * `truncated` is set when there were more combinations than runs.
 */
export function explore<T>(run: (decisions: Decisions) => T): { outcomes: Array<Outcome<T>>; truncated: boolean } {
  const plan: number[] = [];
  const arity: number[] = [];
  const outcomes: Array<Outcome<T>> = [];
  for (let runs = 0; runs < MAX_RUNS; runs++) {
    const decisions = new Decisions(plan, arity);
    outcomes.push({ result: run(decisions), assumptions: decisions.assumptions });
    // Advance the plan like an odometer from the last choice made.
    let position = plan.length - 1;
    while (position >= 0 && (plan[position] as number) + 1 >= (arity[position] as number)) position--;
    if (position < 0) return { outcomes, truncated: false };
    plan[position] = (plan[position] as number) + 1;
    plan.length = position + 1;
    arity.length = position + 1;
  }
  return { outcomes, truncated: true };
}

export type TemplateFunction = (args: Value[], call: FunctionCall) => Value;

export interface FunctionCall {
  name: string;
  decisions: Decisions;
  /** The command's source text (for assumptions and messages). */
  text: string;
  /** Evaluates a named template (`include`). */
  include(name: string, data: Value): Value;
}

/** Named templates visible to `include` / `template`, with the file each comes from. */
export interface NamedTemplates {
  get(name: string): { node: DefineNode; file: string } | undefined;
}

export const NO_TEMPLATES: NamedTemplates = { get: () => undefined };

export interface Scope {
  dot: Value;
  /** `$`: the data the template was executed with. */
  root: Value;
  variables: Array<Map<string, Value>>;
}

export interface EvaluatorOptions {
  functions: ReadonlyMap<string, TemplateFunction>;
  templates?: NamedTemplates;
}

class LoopControl extends Error {
  constructor(readonly kind: 'break' | 'continue') {
    super(kind);
  }
}

export class Evaluator {
  private callDepth = 0;

  constructor(
    private readonly options: EvaluatorOptions,
    readonly decisions: Decisions,
  ) {}

  /** Output of a node list. */
  nodes(list: readonly TemplateNode[], scope: Scope, out: Segment[] = [], file?: string): Segment[] {
    for (const node of list) this.node(node, scope, out, file);
    return out;
  }

  private node(node: TemplateNode, scope: Scope, out: Segment[], file: string | undefined): void {
    this.decisions.tick();
    switch (node.type) {
      case 'text':
        out.push(file === undefined ? { text: node.text } : { text: node.text, origin: { ...sourceOfKey(file), start: node.start, end: node.end, label: 'template text' } });
        return;
      case 'action': {
        const value = this.pipeline(node.pipe, scope);
        if (!node.pipe.decl) out.push(...outputSegments(value));
        return;
      }
      case 'if':
      case 'with': {
        const value = this.pipeline(node.pipe, scope);
        let truth = truthOf(value);
        if (truth === undefined) truth = this.decisions.choose(node.pipe.text);
        if (truth) {
          const inner = node.type === 'with' ? { ...scope, dot: value, variables: [...scope.variables, new Map<string, Value>()] } : { ...scope, variables: [...scope.variables, new Map<string, Value>()] };
          this.nodes(node.list, inner, out, file);
        } else if (node.elseList) {
          this.nodes(node.elseList, { ...scope, variables: [...scope.variables, new Map<string, Value>()] }, out, file);
        }
        return;
      }
      case 'range':
        this.range(node.pipe, node.list, node.elseList, scope, out, file);
        return;
      case 'template': {
        const data = node.pipe ? this.pipeline(node.pipe, scope) : NIL;
        out.push(...printSegments(this.include(node.name, data)));
        return;
      }
      case 'define':
        return;
      case 'break':
      case 'continue':
        throw new LoopControl(node.type);
    }
  }

  private range(pipe: Pipeline, body: TemplateNode[], elseList: TemplateNode[] | undefined, scope: Scope, out: Segment[], file: string | undefined): void {
    const withoutDecl: Pipeline = { commands: pipe.commands, text: pipe.text };
    const value = this.pipeline(withoutDecl, scope);
    const items = rangeItems(value);
    if (items === undefined) {
      out.push({ text: '', unknown: `range over ${pipe.text}, which is not known before install` });
      return;
    }
    if (items.length === 0) {
      if (elseList) this.nodes(elseList, scope, out, file);
      return;
    }
    for (const [key, item] of items) {
      const variables = new Map<string, Value>();
      const names = pipe.decl?.names ?? [];
      if (names.length === 1) variables.set(names[0] as string, item);
      if (names.length === 2) {
        variables.set(names[0] as string, key);
        variables.set(names[1] as string, item);
      }
      try {
        this.nodes(body, { ...scope, dot: item, variables: [...scope.variables, variables] }, out, file);
      } catch (error) {
        if (!(error instanceof LoopControl)) throw error;
        if (error.kind === 'break') break;
      }
    }
  }

  include(name: string, data: Value): Value {
    const found = this.options.templates?.get(name);
    if (!found) return unknown(`the named template "${name}" is not defined in the chart or its library charts`);
    if (this.callDepth >= MAX_CALL_DEPTH) return unknown(`named templates nested deeper than ${MAX_CALL_DEPTH} ("${name}")`);
    this.callDepth++;
    try {
      const segments = this.nodes(found.node.list, { dot: data, root: data, variables: [new Map<string, Value>()] }, [], found.file);
      return { kind: 'string', segments: mergeText(segments) };
    } finally {
      this.callDepth--;
    }
  }

  pipeline(pipe: Pipeline, scope: Scope): Value {
    if (pipe.commands.length === 0) return unknown(`{{ ${pipe.text} }} is outside the evaluated subset`);
    let value: Value | undefined;
    for (const command of pipe.commands) {
      this.decisions.tick();
      value = this.command(command.args, scope, value, pipe.text);
    }
    const result = value ?? NIL;
    if (pipe.decl) {
      const innermost = scope.variables[scope.variables.length - 1];
      for (const name of pipe.decl.names.slice(-1)) {
        // `=` assigns where the variable was declared; `:=` declares it in the innermost scope.
        const owner = pipe.decl.assign ? [...scope.variables].reverse().find((frame) => frame.has(name)) : undefined;
        (owner ?? innermost)?.set(name, result);
      }
    }
    return result;
  }

  private command(args: Operand[], scope: Scope, piped: Value | undefined, text: string): Value {
    const [head, ...rest] = args;
    if (!head) return NIL;
    if (head.type === 'identifier') {
      const values = rest.map((operand) => this.operand(operand, scope));
      if (piped !== undefined) values.push(piped);
      return this.call(head.name, values, text);
    }
    if (rest.length > 0 || piped !== undefined) return unknown(`{{ ${text} }} calls a value that is not a function`);
    return this.operand(head, scope);
  }

  private call(name: string, args: Value[], text: string): Value {
    this.decisions.tick();
    if (name === 'include') {
      const [nameValue, data = NIL] = args;
      if (!nameValue || nameValue.kind !== 'string' || !isComplete(nameValue.segments)) return unknown(`include of a template whose name is not known (${text})`);
      return this.include(nameValue.segments.map((s) => s.text).join(''), data);
    }
    const fn = this.options.functions.get(name);
    if (!fn) return unknown(`the function "${name}" is outside the evaluated subset`);
    return fn(args, { name, decisions: this.decisions, text, include: (templateName, data) => this.include(templateName, data) });
  }

  private operand(operand: Operand, scope: Scope): Value {
    switch (operand.type) {
      case 'dot':
        return scope.dot;
      case 'field':
        return field(scope.dot, operand.names, `.${operand.names.join('.')}`);
      case 'variable': {
        const value = operand.name === '$' ? scope.root : [...scope.variables].reverse().find((frame) => frame.has(operand.name))?.get(operand.name);
        if (value === undefined) return unknown(`the variable ${operand.name} is not defined here`);
        return operand.names.length === 0 ? value : field(value, operand.names, `${operand.name}.${operand.names.join('.')}`);
      }
      case 'identifier':
        return this.call(operand.name, [], operand.name);
      case 'string':
        return str(operand.value);
      case 'number':
        return { kind: 'number', value: operand.value };
      case 'bool':
        return { kind: 'bool', value: operand.value };
      case 'nil':
        return NIL;
      case 'pipeline': {
        const value = this.pipeline(operand.pipe, scope);
        return operand.names.length === 0 ? value : field(value, operand.names, `(${operand.pipe.text}).${operand.names.join('.')}`);
      }
    }
  }
}

/** `value.a.b`, with the path remembered on a nil result (messages say which value is not set). */
function field(value: Value, names: string[], path: string): Value {
  const found = lookUp(value, names);
  if (found.kind === 'nil' && found.path === undefined) return found.origin ? { kind: 'nil', origin: found.origin, path } : { kind: 'nil', path };
  return found;
}

function rangeItems(value: Value): Array<[Value, Value]> | undefined {
  if (value.kind === 'list') return value.items.map((item, index) => [{ kind: 'number', value: index }, item]);
  if (value.kind === 'map') return [...value.entries.keys()].sort().map((key) => [str(key), value.entries.get(key) as Value]);
  if (value.kind === 'nil') return [];
  if (value.kind === 'number') return Array.from({ length: Math.max(0, Math.min(1000, Math.floor(value.value))) }, (_, index): [Value, Value] => [{ kind: 'number', value: index }, { kind: 'number', value: index }]);
  return undefined;
}

/** Adjacent literal pieces without origin merged (keeps segment lists short). */
export function mergeText(segments: Segment[]): Segment[] {
  const out: Segment[] = [];
  for (const segment of segments) {
    const last = out[out.length - 1];
    if (segment.text === '' && segment.unknown === undefined) continue;
    if (last && !last.origin && !segment.origin && last.unknown === undefined && segment.unknown === undefined) last.text += segment.text;
    else out.push({ ...segment });
  }
  return out;
}

/** The template of a whole text as one evaluation, every outcome. */
export function evaluateText(parsed: ParsedTemplate, scope: Omit<Scope, 'variables'>, options: EvaluatorOptions, file?: string): { outcomes: Array<Outcome<Segment[]>>; truncated: boolean } {
  return explore((decisions) => evaluateNodes(parsed.nodes, scope, options, decisions, file));
}

/** One evaluation of a node list under the caller's decisions (a run of an outer `explore`). */
export function evaluateNodes(nodes: readonly TemplateNode[], scope: Omit<Scope, 'variables'> & { variables?: Scope['variables'] }, options: EvaluatorOptions, decisions: Decisions, file?: string): Segment[] {
  const evaluator = new Evaluator(options, decisions);
  try {
    return mergeText(evaluator.nodes(nodes, { ...scope, variables: scope.variables ?? [new Map<string, Value>()] }, [], file));
  } catch (error) {
    if (error instanceof BudgetExceeded) return [{ text: '', unknown: error.message }];
    if (error instanceof LoopControl) return [{ text: '', unknown: `{{ ${error.kind} }} outside a range` }];
    throw error;
  }
}
