/**
 * Editing `.replicated-registries.yaml` without disturbing anything the user wrote outside the changed
 * entry: the entry is rendered with the `yaml` Document API and spliced in place of the old entry's
 * exact source range, so comments, blank lines, quoting and key order elsewhere stay byte-for-byte. The
 * result is parsed again before it is returned. Only the known, non-secret fields of an entry are ever
 * written.
 */
import path from 'node:path';
import { Document, isMap, isScalar, isSeq, parseDocument, Scalar, YAMLMap, YAMLSeq, type Node, type Pair } from 'yaml';
import type { RegistryEntry } from '../../registry/types';
import { RegistriesEditError, RegistryNotFoundError } from './errors';
import { firstLine, lineOf } from './problems';


/** The fields an entry may write, in the order a new entry lists them. Nothing else is ever written. */
const WRITABLE_FIELDS = ['slug', 'provider', 'endpoint', 'authType', 'username', 'appIds', 'caFile', 'insecureSkipTLSVerify', 'plainHttp'] as const;
type WritableField = (typeof WRITABLE_FIELDS)[number];
type WritableValue = string | string[] | boolean;

export interface EditOptions {
  /** The file being edited: an absolute `caFile` is written relative to its folder, so the team can share it. */
  filePath?: string;
}

const STRINGIFY_OPTIONS = { lineWidth: 0, flowCollectionPadding: false } as const;

function writableValues(entry: RegistryEntry, options: EditOptions): Map<WritableField, WritableValue> {
  const values = new Map<WritableField, WritableValue>();
  const text = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : undefined);
  const put = (field: WritableField, v: WritableValue | undefined): void => {
    if (v !== undefined) values.set(field, v);
  };
  put('slug', text(entry.slug) ?? text(entry.endpoint));
  put('provider', text(entry.provider));
  put('endpoint', text(entry.endpoint));
  put('authType', text(entry.authType));
  put('username', text(entry.username));
  const appIds = Array.isArray(entry.appIds) ? entry.appIds.filter((a): a is string => typeof a === 'string' && a.length > 0) : [];
  if (appIds.length > 0) values.set('appIds', appIds);
  let caFile = text(entry.caFile);
  if (caFile && options.filePath && path.isAbsolute(caFile)) {
    const relative = path.relative(path.dirname(path.resolve(options.filePath)), caFile);
    caFile = relative.split(path.sep).join('/');
  }
  put('caFile', caFile);
  if (entry.insecureSkipTLSVerify === true) values.set('insecureSkipTLSVerify', true);
  if (entry.plainHttp === true) values.set('plainHttp', true);
  return values;
}

function sameValue(a: unknown, b: WritableValue | undefined): boolean {
  const norm = (v: unknown): unknown => (v === false || v === null || (Array.isArray(v) && v.length === 0) ? undefined : v);
  return JSON.stringify(norm(a)) === JSON.stringify(norm(b));
}

function requireEditable(text: string): Document {
  const doc = parseDocument(text, { uniqueKeys: true, keepSourceTokens: false });
  if (doc.errors.length > 0) {
    const first = doc.errors[0];
    const line = first ? lineOf(text, first.pos[0]) : 1;
    throw new RegistriesEditError(`the registries file has a YAML syntax error at line ${line} (${firstLine(first?.message ?? '')}); fix it before changing registries`);
  }
  if (doc.contents !== null && !isMap(doc.contents)) {
    throw new RegistriesEditError('the registries file must be a mapping with a `registries:` list at the top; fix it before changing registries');
  }
  return doc;
}

function registriesPair(doc: Document): Pair<Scalar, unknown> | undefined {
  if (!isMap(doc.contents)) return undefined;
  return (doc.contents.items).find((p) => isScalar(p.key) && p.key.value === 'registries') as Pair<Scalar, unknown> | undefined;
}

function lineStartOf(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

/** Offset just after the newline that ends the line containing `offset - 1` (or the text end). */
function lineEndAfter(text: string, offset: number): number {
  if (offset > 0 && text[offset - 1] === '\n') return offset;
  const newline = text.indexOf('\n', offset);
  return newline < 0 ? text.length : newline + 1;
}

/** Renders a map node as block YAML: first line bare, later lines indented by `indent` spaces. */
function renderBlock(node: YAMLMap, indent: number): string {
  const rendered = new Document(node).toString(STRINGIFY_OPTIONS);
  const pad = ' '.repeat(indent);
  return rendered
    .replace(/\n$/, '')
    .split('\n')
    .map((line, i) => (i === 0 || line === '' ? line : pad + line))
    .join('\n');
}

function newEntryNode(values: Map<WritableField, WritableValue>): YAMLMap {
  const doc = new Document();
  const map = new YAMLMap();
  for (const field of WRITABLE_FIELDS) {
    const v = values.get(field);
    if (v === undefined) continue;
    const node = doc.createNode(v);
    if (node instanceof YAMLSeq) node.flow = true;
    map.add(doc.createPair(field, node));
  }
  return map;
}

function effectiveSlug(item: unknown): string | undefined {
  if (!isMap(item)) return undefined;
  const slug = item.get('slug');
  if (typeof slug === 'string' && slug.length > 0) return slug;
  const endpoint = item.get('endpoint');
  return typeof endpoint === 'string' ? endpoint : undefined;
}

/**
 * Adds the entry, or replaces the one with the same slug, keeping everything else byte-for-byte.
 * Only the known, non-secret fields of `entry` are written; unknown keys of a replaced entry
 * (including any secret someone typed there) are dropped.
 */
export function upsertRegistry(text: string, entry: RegistryEntry, options: EditOptions = {}): string {
  const values = writableValues(entry, options);
  const slug = values.get('slug');
  if (typeof slug !== 'string' || !values.has('provider') || !values.has('endpoint')) {
    throw new RegistriesEditError('a registry needs at least a provider and an endpoint');
  }
  const doc = requireEditable(text);
  const pair = registriesPair(doc);
  const seq = pair?.value;
  let result: string;

  if (isSeq(seq) && !seq.flow) {
    const index = seq.items.findIndex((item) => effectiveSlug(item) === slug);
    if (index >= 0) result = replaceItem(text, seq.items[index], values);
    else result = appendItem(text, seq, newEntryNode(values));
  } else if (pair && isSeq(seq) && seq.flow && seq.items.length === 0) {
    // `registries: []` (our own header writes this): becomes a block list.
    const colon = text.indexOf(':', pair.key.range?.[1] ?? 0);
    const [seqStart, seqEnd] = seq.range ?? [colon + 1, colon + 1];
    if (text.slice(colon + 1, seqStart).includes('\n')) {
      // `[]` on its own line: the list goes exactly there.
      const column = seqStart - lineStartOf(text, seqStart);
      result = text.slice(0, seqStart) + '- ' + renderBlock(newEntryNode(values), column + 2) + text.slice(seqEnd);
    } else {
      result = insertBlockAfterKey(text, pair, colon, seqEnd, newEntryNode(values));
    }
  } else if (pair && (pair.value === null || (isScalar(pair.value) && pair.value.value === null))) {
    // `registries:` with nothing (or `~`, `null`) after it.
    const colon = text.indexOf(':', pair.key.range?.[1] ?? 0);
    const valueRange = isScalar(pair.value) ? pair.value.range : undefined;
    const explicitNullEnd = valueRange && valueRange[1] > valueRange[0] ? valueRange[1] : colon + 1;
    result = insertBlockAfterKey(text, pair, colon, explicitNullEnd, newEntryNode(values));
  } else if (!pair && (doc.contents === null || (isMap(doc.contents) && !doc.contents.flow))) {
    const separator = text.length === 0 || text.endsWith('\n') ? '' : '\n';
    const keyColumn = isMap(doc.contents) && doc.contents.range ? doc.contents.range[0] - lineStartOf(text, doc.contents.range[0]) : 0;
    const pad = ' '.repeat(keyColumn);
    result = `${text}${separator}${pad}registries:\n${pad}  - ${renderBlock(newEntryNode(values), keyColumn + 4)}\n`;
  } else if (pair && !isSeq(pair.value)) {
    throw new RegistriesEditError('`registries` in the registries file is not a list; fix it before changing registries');
  } else {
    // Rare shapes (flow-style mapping or list): edit through the Document API, which keeps comments but may re-indent.
    result = upsertThroughDocument(doc, values);
  }
  return verifyEdit(result, slug, true);
}

/**
 * Replaces what follows `key:` up to `removeTo` (an empty `[]`, a `~`) with a block list under the
 * key, keeping any comment on the key's line where it is.
 */
function insertBlockAfterKey(text: string, pair: Pair<Scalar, unknown>, colon: number, removeTo: number, node: YAMLMap): string {
  const keyStart = pair.key.range?.[0] ?? 0;
  const column = keyStart - lineStartOf(text, keyStart) + 2;
  const newline = text.indexOf('\n', removeTo);
  const lineEnd = newline < 0 ? text.length : newline;
  const restOfLine = text.slice(removeTo, lineEnd).trimEnd();
  const block = ' '.repeat(column) + '- ' + renderBlock(node, column + 2);
  return text.slice(0, colon + 1) + restOfLine + '\n' + block + (newline < 0 ? '\n' : text.slice(lineEnd));
}

function replaceItem(text: string, item: unknown, values: Map<WritableField, WritableValue>): string {
  if (!isMap(item) || !item.range || item.flow) {
    return spliceItem(text, item, newEntryNode(values));
  }
  const clone = item.clone() as YAMLMap;
  const scratch = new Document();
  let changed = false;
  for (const field of WRITABLE_FIELDS) {
    const want = values.get(field);
    const existing = clone.get(field, true) as Node | undefined;
    const have: unknown = existing && 'toJSON' in existing ? (existing).toJSON() : existing;
    if (sameValue(have, want)) continue;
    changed = true;
    if (want === undefined) {
      clone.delete(field);
      continue;
    }
    const node = scratch.createNode(want) as Node;
    if (node instanceof YAMLSeq) node.flow = existing instanceof YAMLSeq ? existing.flow : true;
    if (existing) {
      if (existing.comment) node.comment = existing.comment;
      clone.set(field, node);
    } else {
      // A new key goes after the nearest earlier known field, so entries read in the usual order.
      const earlier = WRITABLE_FIELDS.slice(0, WRITABLE_FIELDS.indexOf(field));
      let insertAt = 0;
      clone.items.forEach((p, i) => {
        if (isScalar(p.key) && (earlier as readonly unknown[]).includes(p.key.value)) insertAt = i + 1;
      });
      clone.items.splice(insertAt, 0, scratch.createPair(field, node) as Pair<unknown, unknown>);
    }
  }
  // Anything else in the entry is not ours to keep (a secret typed there, a misspelt key).
  for (const p of [...clone.items]) {
    if (!isScalar(p.key) || !(WRITABLE_FIELDS as readonly unknown[]).includes(p.key.value)) {
      clone.items.splice(clone.items.indexOf(p), 1);
      changed = true;
    }
  }
  if (!changed) return text;
  clone.commentBefore = undefined;
  clone.spaceBefore = false;
  clone.comment = undefined;
  return spliceItem(text, item, clone);
}

function spliceItem(text: string, item: unknown, replacement: YAMLMap): string {
  const range = (item as Node | undefined)?.range;
  if (!range) throw new RegistriesEditError('could not locate the registry entry in the file; edit it by hand');
  const [start, valueEnd] = range;
  const end = isMap(item) && !item.flow ? valueEnd : lineEndAfter(text, valueEnd);
  const column = start - lineStartOf(text, start);
  const rendered = renderBlock(replacement, column);
  const keepsNewline = text.slice(start, end).endsWith('\n');
  return text.slice(0, start) + rendered + (keepsNewline ? '\n' : '') + text.slice(end);
}

function appendItem(text: string, seq: YAMLSeq, node: YAMLMap): string {
  const seqStart = seq.range?.[0] ?? 0;
  const column = seqStart - lineStartOf(text, seqStart);
  const last = seq.items[seq.items.length - 1] as Node | undefined;
  const lastEnd = last?.range?.[1] ?? seq.range?.[1] ?? text.length;
  let insertAt = lineEndAfter(text, lastEnd);
  let prefix = '';
  if (insertAt === text.length && !text.endsWith('\n')) prefix = '\n';
  // Follow the file's style: when items are separated by blank lines, so is the new one.
  const blankBetweenItems = seq.items.length >= 2 && (last as { spaceBefore?: boolean } | undefined)?.spaceBefore === true;
  if (blankBetweenItems) prefix += '\n';
  if (insertAt > text.length) insertAt = text.length;
  const pad = ' '.repeat(column);
  return text.slice(0, insertAt) + prefix + pad + '- ' + renderBlock(node, column + 2) + '\n' + text.slice(insertAt);
}

function upsertThroughDocument(doc: Document, values: Map<WritableField, WritableValue>): string {
  const node = newEntryNode(values);
  if (doc.contents === null) doc.contents = doc.createNode({});
  const current = doc.get('registries', true);
  if (isSeq(current)) {
    const index = current.items.findIndex((item) => effectiveSlug(item) === values.get('slug'));
    if (index >= 0) current.items[index] = node;
    else current.items.push(node);
  } else {
    const seq = new YAMLSeq();
    seq.items.push(node);
    doc.set('registries', seq);
  }
  return doc.toString(STRINGIFY_OPTIONS);
}

/**
 * Removes the entry whose slug (or, failing that, endpoint) is `slugOrEndpoint`, keeping
 * everything else byte-for-byte. Throws RegistryNotFoundError when none matches.
 */
export function removeRegistry(text: string, slugOrEndpoint: string): string {
  const doc = requireEditable(text);
  const seq = registriesPair(doc)?.value;
  const items = isSeq(seq) ? seq.items : [];
  const known = items.map(effectiveSlug).filter((s): s is string => s !== undefined);
  let index = items.findIndex((item) => effectiveSlug(item) === slugOrEndpoint);
  if (index < 0) {
    const byEndpoint = items.flatMap((item, i) => (isMap(item) && item.get('endpoint') === slugOrEndpoint ? [i] : []));
    if (byEndpoint.length > 1) {
      const names = byEndpoint.map((i) => effectiveSlug(items[i])).join(', ');
      throw new RegistriesEditError(`"${slugOrEndpoint}" is the endpoint of ${byEndpoint.length} registries (${names}); name the one to remove by its slug`);
    }
    index = byEndpoint[0] ?? -1;
  }
  if (!isSeq(seq) || index < 0) throw new RegistryNotFoundError(slugOrEndpoint, known);
  const removedSlug = effectiveSlug(items[index]);

  let result: string;
  const item = items[index] as Node | undefined;
  if (!seq.flow && item?.range && seq.range) {
    const dash = text.lastIndexOf('-', item.range[0]);
    const start = lineStartOf(text, dash);
    const end = lineEndAfter(text, item.range[1]);
    if (items.length === 1) {
      // Keep the key with an empty list so the file stays valid (`registries:` alone would be null).
      const column = seq.range[0] - lineStartOf(text, seq.range[0]);
      result = text.slice(0, start) + ' '.repeat(column) + '[]\n' + text.slice(end);
    } else {
      // Blank lines separating entries go with the entry, so the remaining ones keep their spacing.
      let from = start;
      let to = end;
      if (index > 0) {
        while (from > 0 && isBlankLine(text, lineStartOf(text, from - 1), from)) from = lineStartOf(text, from - 1);
      } else {
        while (to < text.length && isBlankLine(text, to, lineEndAfter(text, to + 1))) to = lineEndAfter(text, to + 1);
      }
      result = text.slice(0, from) + text.slice(to);
    }
  } else {
    seq.items.splice(index, 1);
    result = doc.toString(STRINGIFY_OPTIONS);
  }
  if (removedSlug !== undefined) verifyEdit(result, removedSlug, false);
  return result;
}

function isBlankLine(text: string, from: number, to: number): boolean {
  return to > from && text.slice(from, to).trim() === '';
}

/** Guards against a splice producing broken YAML or the wrong content: never write such a file. */
function verifyEdit(result: string, slug: string, shouldExist: boolean): string {
  const check = parseDocument(result, { uniqueKeys: true });
  if (check.errors.length > 0) {
    throw new RegistriesEditError(`editing the registries file would break its YAML (${firstLine(check.errors[0]?.message ?? '')}); the file was left unchanged — please report this`);
  }
  const registries: unknown = isMap(check.contents) ? check.contents.get('registries', false) : undefined;
  const list = isSeq(registries) ? registries.items : [];
  const present = list.some((item) => effectiveSlug(item) === slug);
  if (present !== shouldExist) {
    throw new RegistriesEditError(`editing the registries file did not ${shouldExist ? 'add' : 'remove'} "${slug}" as expected; the file was left unchanged — please report this`);
  }
  return result;
}
