/** `# replicated-registries-disable-next-line [code...]` comments: silence findings on the next line. */
import { RULE_CODES, type RuleCode } from '../analysis/types';

export const DISABLE_NEXT_LINE = 'replicated-registries-disable-next-line';
const KNOWN_CODES = new Set<string>(RULE_CODES);

/**
 * The codes silenced at `offset` by a disable comment on the line just above it: `'all'` when the
 * comment names no code, a set when it names some, undefined when there is no such comment.
 */
export function suppressedCodesAt(text: string, offset: number): Set<RuleCode> | 'all' | undefined {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  if (lineStart === 0) return undefined;
  const previousEnd = lineStart - 1;
  const previousStart = text.lastIndexOf('\n', previousEnd - 1) + 1;
  const previous = text.slice(previousStart, previousEnd);
  const hash = previous.indexOf('#');
  if (hash < 0) return undefined;
  const comment = previous.slice(hash + 1).trim();
  if (!comment.startsWith(DISABLE_NEXT_LINE)) return undefined;
  const rest = comment.slice(DISABLE_NEXT_LINE.length);
  if (rest !== '' && !/^[\s,]/.test(rest)) return undefined;
  const codes = rest.split(/[\s,]+/).filter((word) => word !== '');
  if (codes.length === 0) return 'all';
  const known = new Set<RuleCode>();
  for (const code of codes) {
    if (code.startsWith('--')) break; // `-- reason` ends the list
    if (KNOWN_CODES.has(code)) known.add(code as RuleCode);
  }
  return known;
}
