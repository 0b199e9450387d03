/**
 * The pull secrets a pod spec of a chart template names, read from the template's text around an
 * image (a chart template is not YAML until rendered, so this works line by line, by indentation, as
 * the line scanner does):
 *  - a literal `imagePullSecrets:` key beside `containers:`, with its `- name: x` items;
 *  - template lines inside the pod spec that mention pull secrets (`{{- with .Values.image.pullSecrets }}`,
 *    `{{- toYaml .Values.imagePullSecrets | nindent 8 }}`): the `.Values` paths they read;
 *  - a helper (`include "x.imagePullSecrets" .`) is not followed: the answer is then "cannot tell".
 * Whether a secret name is provided is then decided against the values of a mode (templates/values.ts).
 */
import { lookUp, type Value } from '../templates/values';

export interface PodPullSecrets {
  /** Offset of the `containers:` (or initContainers) key line's start, and its indentation. */
  containersLineStart: number;
  indent: string;
  /** Any pull-secret source at all in the pod spec. */
  hasSource: boolean;
  literalNames: string[];
  /** `.Values` paths the pull-secret template lines read. */
  valuesPaths: string[][];
  /** Names come from a helper the rule does not follow. */
  opaque: boolean;
}

interface Line {
  start: number;
  text: string;
  indent: number;
  templateOnly: boolean;
  blank: boolean;
}

function linesOf(text: string): Line[] {
  const lines: Line[] = [];
  let start = 0;
  for (const raw of text.split('\n')) {
    const body = raw.replace(/\r$/, '');
    const trimmed = body.trim();
    lines.push({ start, text: body, indent: body.length - body.trimStart().length, templateOnly: trimmed.startsWith('{{'), blank: trimmed === '' || trimmed.startsWith('#') });
    start += raw.length + 1;
  }
  return lines;
}

const CONTAINERS_KEY = /^\s*(?:-\s+)?(containers|initContainers|ephemeralContainers):\s*(?:#.*)?$/;
const VALUES_PATH = /\$?\.Values((?:\.[A-Za-z_][A-Za-z0-9_-]*)+)/g;
const PULL_SECRET = /pull-?secret/i;

/** The pod spec holding the image at `imageOffset`, or undefined when none is found around it. */
export function podPullSecretsAt(text: string, imageOffset: number): PodPullSecrets | undefined {
  const lines = linesOf(text);
  const imageLine = lines.findIndex((line, index) => line.start <= imageOffset && (lines[index + 1]?.start ?? Infinity) > imageOffset);
  if (imageLine < 0) return undefined;
  const imageIndent = (lines[imageLine] as Line).indent;
  let keyLine = -1;
  for (let index = imageLine; index >= 0; index--) {
    const line = lines[index] as Line;
    if (!line.templateOnly && !line.blank && CONTAINERS_KEY.test(line.text) && line.indent < imageIndent) {
      keyLine = index;
      break;
    }
  }
  if (keyLine < 0) return undefined;
  const keyText = (lines[keyLine] as Line).text;
  // The pod spec's keys sit at the column of `containers` (after a `- ` when the key opens a list item).
  const column = keyText.length - keyText.replace(/^\s*(?:-\s+)?/, '').length;
  const insidePod = (line: Line): boolean => line.blank || line.templateOnly || line.indent >= column;
  let first = keyLine;
  while (first > 0 && insidePod(lines[first - 1] as Line)) first--;
  let last = keyLine;
  while (last + 1 < lines.length && insidePod(lines[last + 1] as Line)) last++;

  const result: PodPullSecrets = { containersLineStart: (lines[keyLine] as Line).start, indent: ' '.repeat(column), hasSource: false, literalNames: [], valuesPaths: [], opaque: false };
  for (let index = first; index <= last; index++) {
    const line = lines[index] as Line;
    if (!line.templateOnly && line.indent === column && /^\s*(?:-\s+)?imagePullSecrets:/.test(line.text)) {
      result.hasSource = true;
      const inline = /imagePullSecrets:\s*\[(.*)\]/.exec(line.text)?.[1];
      if (inline) for (const name of inline.matchAll(/name:\s*["']?([^"',}\s]+)/g)) result.literalNames.push(name[1] as string);
      for (let item = index + 1; item <= last; item++) {
        const itemLine = lines[item] as Line;
        if (!itemLine.blank && !itemLine.templateOnly && itemLine.indent <= column) break;
        const name = /^\s*-?\s*name:\s*["']?([^"'#\s]+)["']?/.exec(itemLine.text)?.[1];
        if (name && !name.includes('{{')) result.literalNames.push(name);
        else if (name || itemLine.templateOnly) collectPaths(itemLine.text, result);
      }
      continue;
    }
    if (line.templateOnly && PULL_SECRET.test(line.text)) {
      result.hasSource = true;
      collectPaths(line.text, result);
    }
  }
  return result;
}

function collectPaths(text: string, into: PodPullSecrets): void {
  if (/\b(include|template|tpl)\b/.test(text)) into.opaque = true;
  for (const match of text.matchAll(VALUES_PATH)) into.valuesPaths.push((match[1] as string).slice(1).split('.'));
}

/** Every string inside a value (names of `[{name: x}]` lists, plain strings). Undefined when unknown. */
function stringsIn(value: Value, depth = 0): string[] | undefined {
  if (depth > 20) return [];
  switch (value.kind) {
    case 'string':
      return value.segments.some((segment) => segment.unknown !== undefined) ? undefined : [value.segments.map((segment) => segment.text).join('')];
    case 'list':
    case 'map': {
      const out: string[] = [];
      for (const item of value.kind === 'list' ? value.items : value.entries.values()) {
        const inner = stringsIn(item, depth + 1);
        if (inner === undefined) return undefined;
        out.push(...inner);
      }
      return out;
    }
    case 'unknown':
      return undefined;
    default:
      return [];
  }
}

/**
 * Whether the pod names one of `wanted` with these values: true, false (it certainly does not), or
 * undefined (a helper or a value known only at install decides).
 */
export function providesPullSecret(pod: PodPullSecrets, values: Value, wanted: (name: string) => boolean): boolean | undefined {
  if (pod.literalNames.some(wanted)) return true;
  let undecided = pod.opaque;
  for (const keys of pod.valuesPaths) {
    const names = stringsIn(lookUp(values, keys));
    if (names === undefined) undecided = true;
    else if (names.some(wanted)) return true;
  }
  return undecided ? undefined : false;
}
