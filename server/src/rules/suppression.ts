/** `# replicated-registries-disable-next-line [code...]` comments: silence findings on the next line. */
import { RULE_CODES, type RuleCode } from '../findings/types';

export const DISABLE_NEXT_LINE = 'replicated-registries-disable-next-line';
const KNOWN_CODES = new Set<string>(RULE_CODES);
const DIRECTIVE = new RegExp(`(?:^|\\s)#\\s*${DISABLE_NEXT_LINE}`);

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
  if (!previous.includes(DISABLE_NEXT_LINE)) return undefined;
  // The directive must open a comment: `#` at the line start or after a blank (so a `#` inside a
  // quoted value earlier on the line does not hide it, and `a#replicated-...` in a value is no comment).
  const directive = DIRECTIVE.exec(previous);
  if (!directive) return undefined;
  const rest = previous.slice(directive.index + directive[0].length).trimEnd();
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
