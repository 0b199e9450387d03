/**
 * The JavaScript value `yaml` gives a text (`parseDocument(text).toJS()`), found by the fast scanner instead, when the
 * scanner reads the text exactly and nothing in it needs `yaml`'s judgement: for the registries file, which is parsed
 * at every `lint` start: by `yaml` (its first parse, its code cold) in 6.5-7 ms, this way in 4.5 ms, and then a `lint`
 * of ordinary manifests never loads `yaml` (library.ts). Anything else is `undefined`, and the caller parses with
 * `yaml`: a text that is not printable ASCII, has document markers or directives, anything the scanner cannot decide
 * (anchors, tags, multi-line scalars...), a block scalar, a duplicate key, and every plain scalar that YAML 1.2's core
 * schema could read as other than a string, null or a boolean (numbers: they are taken as `yaml` takes them, not
 * guessed). test/stress/exactValue.test.ts holds it to `yaml` itself.
 */
import { FastScanner, Undecidable } from './fastScanner';
import { isNullText, type YNode } from './yamlTree';

/** Plain scalars `yaml`'s core schema reads as booleans (the `test`s of yaml/dist/schema/core; null: isNullText). */
const TRUE = /^(?:[Tt]rue|TRUE)$/;
const FALSE = /^(?:[Ff]alse|FALSE)$/;
/** Its int tests (decimal, 0o, 0x) and float tests (with or without exponent, .inf, .nan), as one. */
const NUMBER = /^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+|[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/;

/** Printable ASCII, tabs and line breaks: anything else (a BOM, control characters, other scripts) goes to `yaml`. */
const PLAIN_TEXT = /^[\t\n\r\x20-\x7e]*$/;
/** A carriage return that does not end a line with LF: a line break to YAML, not to the fast scanner. */
const LONE_CR = /\r(?!\n)/;
/** A document marker or a directive at the start of a line. */
const MARKER = /^(?:---|\.\.\.|%)/m;

class NotExact extends Error {}

/** `{ value }` as `yaml` would give it, or undefined when `yaml` must read the text. */
export function exactValue(text: string): { value: unknown } | undefined {
  if (!PLAIN_TEXT.test(text) || LONE_CR.test(text) || MARKER.test(text)) return undefined;
  try {
    return { value: valueOf(new FastScanner(text, 0, text.length, false).scan()) };
  } catch (error) {
    if (error instanceof Undecidable || error instanceof NotExact) return undefined;
    throw error;
  }
}

function valueOf(node: YNode | null): unknown {
  if (node === null) return null;
  switch (node.type) {
    case 'scalar':
      if (node.style === 'block') throw new NotExact();
      if (node.style !== 'plain') return node.value;
      return plainValue(node.value);
    case 'seq':
      return node.items.map(valueOf);
    case 'map': {
      const object: Record<string, unknown> = {};
      node.keys.forEach((key, index) => {
        // A key `yaml` would turn into another string (true, 1, null), a merge key, a duplicate (an
        // error with uniqueKeys), or one that is a property of every object.
        if (isNullText(key) || TRUE.test(key) || FALSE.test(key) || NUMBER.test(key) || key === '<<' || key === '__proto__' || Object.hasOwn(object, key)) throw new NotExact();
        object[key] = valueOf(node.values[index] ?? null);
      });
      return object;
    }
  }
}

function plainValue(text: string): unknown {
  if (isNullText(text)) return null;
  if (TRUE.test(text)) return true;
  if (FALSE.test(text)) return false;
  if (NUMBER.test(text)) throw new NotExact();
  return text;
}
