/**
 * splitDocuments jumps from marker candidate to marker candidate (`---` / `...` at a line start) inside a
 * document that has content, instead of visiting every line (issue 12). Here it is held to the line-by-line
 * reading it replaced, on generated texts built from every kind of line that decides where a document
 * ends: markers with and without comments or trailing text, `...`, directives, blank and comment lines,
 * CRLF endings, and marker-like text that is not at a line start.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { splitDocuments } from '../../server/src/manifests/documents';
import type { DocumentRange } from '../../server/src/findings/types';
import { bigManifest } from '../../bench/workloads';

/** The reading before issue 12's change, line by line (the reference). */
function splitLineByLine(text: string): DocumentRange[] {
  const ranges: DocumentRange[] = [];
  let documentStart = 0;
  let lineStart = 0;
  let hasContent = false;
  while (lineStart < text.length) {
    let newline = text.indexOf('\n', lineStart);
    if (newline < 0) newline = text.length;
    const line = text.slice(lineStart, newline);
    const marker = /^(---|\.\.\.)($|[ \t\r])/.exec(line);
    if (marker) {
      if (marker[1] === '---') {
        if (hasContent) {
          ranges.push({ start: documentStart, end: lineStart });
          documentStart = lineStart;
        }
        hasContent = true;
      } else {
        const end = Math.min(text.length, newline + 1);
        ranges.push({ start: documentStart, end });
        documentStart = end;
        hasContent = false;
      }
    } else if (!hasContent && !line.startsWith('%') && !/^[ \t\r]*($|#)/.test(line)) {
      hasContent = true;
    }
    lineStart = newline + 1;
  }
  if (documentStart < text.length || ranges.length === 0) ranges.push({ start: documentStart, end: text.length });
  return ranges;
}

const LINES = ['---', '--- # c', '---\r', '--- x: 1', '---x', '...', '... # end', '....', '%YAML 1.2', '', '  ', '# comment', '  # indented', 'a: 1', '  b: ---', 'c: |', '  ---', 'd: "..."', '-- x', '- item', '\t# tab'];

/** A small deterministic generator (xorshift), so a failure names a seed that reproduces it. */
function generated(seed: number): string {
  let state = seed || 1;
  const next = (n: number): number => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) % n;
  };
  const lines: string[] = [];
  const count = next(40);
  for (let i = 0; i < count; i++) lines.push(LINES[next(LINES.length)] as string);
  const newline = next(4) === 0 ? '\r\n' : '\n';
  return lines.join(newline) + (next(2) === 0 ? newline : '');
}

void describe('splitDocuments', () => {
  void it('reads 5,000 generated texts as the line-by-line reading does', () => {
    for (let seed = 1; seed <= 5000; seed++) {
      const text = generated(seed);
      assert.deepEqual(splitDocuments(text), splitLineByLine(text), `seed ${seed}: ${JSON.stringify(text)}`);
    }
  });

  void it('reads the benchmark manifest as the line-by-line reading does', () => {
    const text = bigManifest(300);
    const ranges = splitDocuments(text);
    assert.deepEqual(ranges, splitLineByLine(text));
    assert.equal(ranges.length, 300);
  });

  void it('finds markers after a stretch without any, and a `...` after many `---`', () => {
    const text = `a: 1\n${'b: 2\n'.repeat(1000)}---\nc: 3\n---\nd: 4\n...\n# only a comment\n---\ne: 5`;
    assert.deepEqual(splitDocuments(text), splitLineByLine(text));
    assert.equal(splitDocuments(text).length, 4);
  });
});
