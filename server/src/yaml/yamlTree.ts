/**
 * The small YAML tree the image finders walk. Both the fast line scanner (fastScanner.ts) and the
 * full `yaml` parse (fullParse.ts) produce it, so the shape rules run once over either and the fuzz
 * test can prove the two agree.
 */

export interface YScalar {
  type: 'scalar';
  /** Decoded value; for plain scalars the source text (so `1.10` stays `1.10`); block scalars folded and chomped. */
  value: string;
  /** Offsets of the scalar's content in the file (inside quotes; a block scalar's content lines, blanks trimmed). */
  start: number;
  end: number;
  style: 'plain' | 'single' | 'double' | 'block';
  /** The source text between start and end equals `value` (no escapes, no folding). */
  exact: boolean;
}

export interface YMap {
  type: 'map';
  keys: string[];
  values: Array<YNode | null>;
}

export interface YSeq {
  type: 'seq';
  items: Array<YNode | null>;
}

export type YNode = YScalar | YMap | YSeq;

export function mapGet(map: YNode | null | undefined, key: string): YNode | null | undefined {
  if (!map || map.type !== 'map') return undefined;
  const index = map.keys.indexOf(key);
  return index < 0 ? undefined : map.values[index];
}

/**
 * The extent of a block scalar's content inside text[from, to) (its content lines): from the first to
 * the last non-blank character. Both parse paths place block scalars with this, so they agree.
 */
export function blockContentExtent(text: string, from: number, to: number): { start: number; end: number } {
  let start = from;
  while (start < to && isWhitespace(text.charCodeAt(start))) start++;
  let end = to;
  while (end > start && isWhitespace(text.charCodeAt(end - 1))) end--;
  return { start, end };
}

function isWhitespace(code: number): boolean {
  return code === 32 || code === 9 || code === 10 || code === 13;
}

export function scalarValue(node: YNode | null | undefined): string | undefined {
  return node && node.type === 'scalar' && node.style !== 'block' ? node.value : undefined;
}

/** Plain scalars YAML reads as null. */
export function isNullScalar(node: YScalar): boolean {
  return node.style === 'plain' && isNullText(node.value);
}

/** The texts a plain scalar YAML reads as null has (YAML 1.2's core schema). */
export function isNullText(text: string): boolean {
  return text === '' || text === '~' || text === 'null' || text === 'Null' || text === 'NULL';
}
