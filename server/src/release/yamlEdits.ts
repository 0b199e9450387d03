/**
 * Byte-preserving edits of a HelmChart document for the quick fixes: set `spec.values.<path>` to a
 * value, replacing an existing scalar in place or inserting the missing keys as new lines under the
 * deepest block mapping that exists, at its indentation. Every other byte of the file is kept; a shape
 * it cannot edit safely (flow mappings, a non-map in the way) gives no edit rather than a wrong one.
 */
import type { Node } from 'yaml';
import type { DocumentRange, FileEdit } from '../findings/types';
import { yamlLibrary } from '../yaml/library';

/** A YAML scalar written as a value: plain when it reads back as the same string, else single-quoted. */
export function yamlScalar(value: string): string {
  const plain = /^[A-Za-z0-9_./:@-][A-Za-z0-9_./:@ -]*$/.test(value) && !/^(true|false|null|yes|no|on|off|~|[-+]?[0-9._]+)$/i.test(value) && !value.endsWith(' ') && !value.includes(': ');
  return plain ? value : `'${value.replace(/'/g, "''")}'`;
}

function lineStartOf(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

function indentationAt(text: string, offset: number): string {
  const start = lineStartOf(text, offset);
  return /^[ ]*/.exec(text.slice(start))?.[0] ?? '';
}

/**
 * The edit that sets `keys` (from the document root, e.g. ['spec', 'values', 'image', 'registry']) to
 * `value` (already YAML: a scalar, or block lines without indentation when `block` is set).
 */
export function setYamlValue(text: string, document: DocumentRange, file: string, keys: string[], value: { scalar: string } | { block: string[] }): FileEdit | undefined {
  const source = text.slice(document.start, document.end);
  const { isMap, isScalar, parseDocument } = yamlLibrary();
  const doc = parseDocument(source, { keepSourceTokens: false });
  if (doc.errors.length > 0) return undefined;
  let node: Node | null | undefined = doc.contents;
  let depth = 0;
  while (depth < keys.length) {
    if (!isMap(node) || node.flow) break;
    const key = keys[depth] as string;
    const pair = (node).items.find((item) => isScalar(item.key) && String(item.key.value) === key);
    if (!pair) break;
    const next = pair.value as Node | null;
    if (depth === keys.length - 1) {
      // The key exists: replace its value when it is a scalar (a map or list in the way is not replaced).
      if (!isScalar(next) || !next.range) return undefined;
      if ('scalar' in value) return { file, start: document.start + next.range[0], end: document.start + next.range[1], newText: value.scalar };
      return undefined;
    }
    if (!isMap(next) || next.flow || !next.range) {
      // `values:` with nothing under it: the new keys go below it, one level deeper.
      if (next === null && isScalar(pair.key) && pair.key.range) {
        const keyLineEnd = source.indexOf('\n', pair.key.range[1]);
        const at = keyLineEnd < 0 ? source.length : keyLineEnd;
        if (source.slice(pair.key.range[1], at).replace(/#.*$/, '').trim() !== ':') return undefined;
        const lines = nested(keys.slice(depth + 1), value, `${indentationAt(source, pair.key.range[0])}  `);
        return { file, start: document.start + at, end: document.start + at, newText: `\n${lines.join('\n')}` };
      }
      return undefined;
    }
    node = next;
    depth++;
  }
  if (!isMap(node) || node.flow || !node.range) return undefined;
  const map = node;
  const first = map.items[0];
  const indent = first && isScalar(first.key) && first.key.range ? indentationAt(source, first.key.range[0]) : '';
  const lines = nested(keys.slice(depth), value, indent);
  // After the map's last line (its range ends after the trailing newline of the block, or at the text end).
  const end = (map.range as [number, number, number])[1];
  const insertAt = source[end - 1] === '\n' ? end : source.indexOf('\n', end - 1) < 0 ? source.length : source.indexOf('\n', end - 1) + 1;
  const prefix = insertAt === source.length && !source.endsWith('\n') ? '\n' : '';
  return { file, start: document.start + insertAt, end: document.start + insertAt, newText: `${prefix}${lines.join('\n')}\n` };
}

/** `a: {b: value}` as block lines at `indent`. */
function nested(keys: string[], value: { scalar: string } | { block: string[] }, indent: string): string[] {
  const lines: string[] = [];
  keys.forEach((key, index) => {
    const pad = indent + '  '.repeat(index);
    const last = index === keys.length - 1;
    if (!last) lines.push(`${pad}${yamlKey(key)}:`);
    else if ('scalar' in value) lines.push(`${pad}${yamlKey(key)}: ${value.scalar}`);
    else {
      lines.push(`${pad}${yamlKey(key)}:`);
      for (const line of value.block) lines.push(`${pad}  ${line}`);
    }
  });
  return lines;
}

function yamlKey(key: string): string {
  return /^[A-Za-z0-9_.-]+$/.test(key) ? key : JSON.stringify(key);
}

/**
 * Several assignments in one document as a single edit: each is applied to a working copy (so a
 * second key under a map the first one created lands inside it), then the changed region is the edit.
 */
export function setYamlValues(text: string, document: DocumentRange, file: string, assignments: Array<{ keys: string[]; value: { scalar: string } | { block: string[] } }>): FileEdit | undefined {
  let working = text;
  let range = document;
  for (const assignment of assignments) {
    const edit = setYamlValue(working, range, file, assignment.keys, assignment.value);
    if (!edit) return undefined;
    working = working.slice(0, edit.start) + edit.newText + working.slice(edit.end);
    range = { start: range.start, end: range.end + edit.newText.length - (edit.end - edit.start) };
  }
  if (working === text) return undefined;
  let prefix = 0;
  while (prefix < text.length && prefix < working.length && text[prefix] === working[prefix]) prefix++;
  let suffix = 0;
  while (suffix < text.length - prefix && suffix < working.length - prefix && text[text.length - 1 - suffix] === working[working.length - 1 - suffix]) suffix++;
  return { file, start: prefix, end: text.length - suffix, newText: working.slice(prefix, working.length - suffix) };
}
