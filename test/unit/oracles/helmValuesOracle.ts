/**
 * The oracle for the template evaluator's differential test: the `.Values` resolution the engine used
 * before the evaluator replaced it (server/src/manifests/helmTemplates.ts and parseHelmTemplateExpression
 * at commit f15fb49), kept here verbatim in behaviour. It resolves only plain `.Values.a.b` look-ups
 * (with an optional literal `| default "x"` and `| quote`) of non-empty scalars; wherever it resolves,
 * the evaluator must produce the same text.
 */
import { isNullScalar, mapGet, type YNode, type YScalar } from '../../../server/src/yaml/yamlTree';

type Piece = { literal: string } | { valuesPath: string[]; defaultLiteral?: string };

export function parseOracleExpression(text: string): Piece[] | undefined {
  const pieces: Piece[] = [];
  let position = 0;
  while (position < text.length) {
    const open = text.indexOf('{{', position);
    if (open < 0) {
      pieces.push({ literal: text.slice(position) });
      break;
    }
    if (open > position) pieces.push({ literal: text.slice(position, open) });
    const close = text.indexOf('}}', open + 2);
    if (close < 0) return undefined;
    const inner = text.slice(open + 2, close).replace(/^-\s*/, '').replace(/\s*-$/, '').trim();
    const match = /^\.Values((?:\.[A-Za-z_][A-Za-z0-9_-]*)+)(?:\s*\|\s*default\s+"([^"\\]*)")?(?:\s*\|\s*quote)?$/.exec(inner);
    if (!match) return undefined;
    const path = (match[1] as string).slice(1).split('.');
    pieces.push(match[2] === undefined ? { valuesPath: path } : { valuesPath: path, defaultLiteral: match[2] });
    position = close + 2;
  }
  return pieces.some((piece) => 'valuesPath' in piece) ? pieces : undefined;
}

/** The resolved text, or undefined where the old resolver declined. */
export function oracleResolve(text: string, values: YNode | null): string | undefined {
  const pieces = parseOracleExpression(text);
  if (!pieces) return undefined;
  let out = '';
  for (const piece of pieces) {
    if ('literal' in piece) {
      out += piece.literal;
      continue;
    }
    const scalar = lookUp(values, piece.valuesPath);
    if (scalar) out += scalar.value;
    else if (piece.defaultLiteral !== undefined) out += piece.defaultLiteral;
    else return undefined;
  }
  return out.includes('{{') ? undefined : out;
}

function lookUp(values: YNode | null, keys: string[]): YScalar | undefined {
  let node: YNode | null | undefined = values;
  for (const key of keys) node = mapGet(node, key);
  if (!node || node.type !== 'scalar' || node.style === 'block' || isNullScalar(node) || node.value === '') return undefined;
  return node;
}
