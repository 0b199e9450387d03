import type { ReferenceParseResult } from './imageReference';

// Placeholder until the grammar lands (issue 2 §2).
export function parseImageReference(input: string): ReferenceParseResult {
  return { ok: false, error: { message: 'not implemented', span: { start: 0, end: input.length } } };
}
