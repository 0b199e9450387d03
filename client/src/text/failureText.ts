/**
 * One failure, said once: the engine's message states what happened and its hint what to do, but
 * some hints open by restating the message ("The repository exists but has no 1.2.3: check the
 * tag…" after "…exists on host, but it has no tag 1.2.3."). Such a restating lead is dropped.
 */

/** The words of a clause, lower-cased, punctuation stripped. */
function wordsOf(text: string): string[] {
  return text
    .toLowerCase()
    .split(/[^a-z0-9._/@:-]+/)
    .map((word) => word.replace(/^[.:]+|[.:]+$/g, ''))
    .filter((word) => word.length > 0);
}

/** The hint without a leading clause (up to the first ": ") whose every word already is in the message. */
export function hintBeyondMessage(message: string, hint: string | undefined): string | undefined {
  if (!hint) return undefined;
  const trimmedHint = hint.trim();
  const colon = trimmedHint.indexOf(': ');
  if (colon <= 0) return trimmedHint;
  const lead = trimmedHint.slice(0, colon);
  const messageWords = new Set(wordsOf(message));
  const leadWords = wordsOf(lead);
  if (leadWords.length === 0 || !leadWords.every((word) => messageWords.has(word))) return trimmedHint;
  const rest = trimmedHint.slice(colon + 2).trim();
  if (rest.length === 0) return undefined;
  return rest.charAt(0).toUpperCase() + rest.slice(1);
}

/** "message hint" with the hint's restatement removed and exactly one space between the two. */
export function failureSentence(message: string, hint: string | undefined): string {
  const trimmedMessage = message.trim();
  const rest = hintBeyondMessage(trimmedMessage, hint);
  if (!rest) return trimmedMessage;
  const separator = /[.!?]$/.test(trimmedMessage) ? ' ' : '. ';
  return `${trimmedMessage}${separator}${rest}`;
}
