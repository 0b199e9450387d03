/**
 * The language server re-splits only the documents around an edit (splitWithHint in lsp/fileAnalysis.ts)
 * and keeps the old boundaries elsewhere (issue 12). Here the documents and findings of an analysis with
 * the edit hint the server computes (EditTracker, from the didChange events) are held to a fresh analysis
 * of the same text: named cases where a kept boundary stops being one, then generated texts and edits.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TextDocumentContentChangeEvent } from 'vscode-languageserver/node';
import { ChunkedTextDocument } from '../../server/src/lsp/chunkedTextDocument';
import { EditTracker } from '../../server/src/lsp/editTracker';
import { LocalAnalysisCache, type FileAnalysis } from '../../server/src/lsp/fileAnalysis';
import type { ReleaseEnvironment } from '../../server/src/release/release';
import { emptyRegistriesConfig } from '../../server/src/store/types';

const env = { config: emptyRegistriesConfig(), offline: true, credentialsFor: () => Promise.resolve({}) } as unknown as ReleaseEnvironment;
const FILE = '/w/manifest.yaml';
const URI = 'file:///w/manifest.yaml';

function boundsOf(analysis: FileAnalysis): Array<[number, number]> {
  return Array.from({ length: analysis.documents.length }, (_, i): [number, number] => [analysis.documents.start(i), analysis.documents.end(i)]);
}

function findingsOf(analysis: FileAnalysis): Array<[string, number, number, string]> {
  return analysis.findings.map((f): [string, number, number, string] => [f.code, f.start, f.end, f.message]);
}

/** One replacement, [start, end) by `text`, in offsets of the text it applies to. */
interface Edit {
  start: number;
  end: number;
  text: string;
}

/**
 * Analyses `before`, applies `edits` as didChange events through the server's EditTracker (so the hint is
 * the one the server would pass), analyses again with that hint, and a fresh cache analyses the final text.
 */
async function incrementalAndFresh(before: string, edits: readonly Edit[]): Promise<{ after: string; incremental: FileAnalysis; fresh: FileAnalysis }> {
  const tracker = new EditTracker();
  let document = tracker.configuration.create(URI, 'yaml', 1, before) as ChunkedTextDocument;
  const cache = new LocalAnalysisCache();
  await cache.analyze('k', () => ({ text: document }), FILE, env, 'g');
  let version = 1;
  for (const edit of edits) {
    const change: TextDocumentContentChangeEvent = { range: { start: document.positionAt(edit.start), end: document.positionAt(edit.end) }, text: edit.text };
    document = tracker.configuration.update(document, [change], ++version) as ChunkedTextDocument;
  }
  const hint = tracker.take(URI);
  assert.ok(hint, 'the tracker recorded the edits');
  const incremental = await cache.analyze('k', () => ({ text: document, hint }), FILE, env, 'g');
  const after = document.getText();
  const fresh = await new LocalAnalysisCache().analyze('f', () => ({ text: after }), FILE, env, 'g');
  return { after, incremental, fresh };
}

async function assertSameAsFresh(before: string, edits: readonly Edit[], label = ''): Promise<void> {
  const { after, incremental, fresh } = await incrementalAndFresh(before, edits);
  const where = `${label}${JSON.stringify(before)} -> ${JSON.stringify(after)}`;
  assert.deepEqual(boundsOf(incremental), boundsOf(fresh), `documents of ${where}`);
  assert.deepEqual(findingsOf(incremental), findingsOf(fresh), `findings of ${where}`);
}

/** A small deterministic generator (xorshift), so a failure names a seed that reproduces it. */
function random(seed: number): (n: number) => number {
  let state = seed || 1;
  return (n) => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) % n;
  };
}

const LINES = ['a: 1', '---', '...', '--- # c', '# c', '', '  ', '%YAML 1.2', 'image: x', 'image: nginx:latest', '... # end', '---x', 'b:', '  - image: y'];
const CHARACTERS = ['-', '.', '#', ' ', '\n', 'a', ':', '%'];

function generatedText(next: (n: number) => number): string {
  const lines = Array.from({ length: next(14) }, () => LINES[next(LINES.length)] as string);
  return lines.join('\n') + (next(4) === 0 ? '' : '\n');
}

/** A line start of `text` (its length included when the text ends with a newline or is empty). */
function lineStartIn(text: string, next: (n: number) => number): number {
  const starts = [0];
  for (let at = text.indexOf('\n'); at >= 0; at = text.indexOf('\n', at + 1)) starts.push(at + 1);
  return starts[next(starts.length)] as number;
}

/** A random edit of `text`: lines inserted, deleted or replaced, or characters. */
function generatedEdit(text: string, next: (n: number) => number): Edit {
  const line = (): string => (LINES[next(LINES.length)] as string) + '\n';
  switch (next(6)) {
    case 0: {
      const at = lineStartIn(text, next);
      return { start: at, end: at, text: line() + (next(3) === 0 ? line() : '') };
    }
    case 1:
    case 2: {
      const start = lineStartIn(text, next);
      let end = text.indexOf('\n', start);
      end = end < 0 ? text.length : end + 1;
      return { start, end, text: next(2) === 0 ? '' : line() };
    }
    case 3: {
      const at = next(text.length + 1);
      return { start: at, end: at, text: CHARACTERS[next(CHARACTERS.length)] as string };
    }
    default: {
      const start = next(text.length + 1);
      const end = Math.min(text.length, start + next(4));
      return { start, end, text: next(2) === 0 ? '' : (CHARACTERS[next(CHARACTERS.length)] as string) };
    }
  }
}

void describe('incremental re-split (splitWithHint)', () => {
  void it('gives the fresh documents when an inserted `...` leaves comments before the next `---`', async () => {
    // Fresh: [0,9) `a: 1\n...\n`, then `#x\n---\nb: 2\n` (the comment waits for the next document).
    const before = 'a: 1\n#x\n---\nb: 2\n';
    const { incremental, fresh } = await incrementalAndFresh(before, [{ start: 5, end: 5, text: '...\n' }]);
    assert.deepEqual(boundsOf(fresh), [
      [0, 9],
      [9, 21],
    ]);
    assert.deepEqual(boundsOf(incremental), boundsOf(fresh));
  });

  void it('gives the fresh documents when an edit breaks the `---` that opens the edited document', async () => {
    // `---` becomes `-x--`: no marker, so the document before runs on through it.
    await assertSameAsFresh('a: 1\n---\nb: 2\n', [{ start: 6, end: 6, text: 'x' }]);
    // `--- # c` becomes `---# c`: no marker either.
    await assertSameAsFresh('a: 1\n--- # c\nimage: nginx:latest\n', [{ start: 8, end: 9, text: '' }]);
  });

  void it('gives the fresh documents when an edit breaks the `...` that closed the region', async () => {
    // `...` becomes `..`: the next line's content joins the edited document.
    await assertSameAsFresh('a: 1\n...\nimage: nginx:latest\n', [{ start: 6, end: 7, text: '' }]);
    // Content after the `...` is removed: the comment-only rest waits for the next document.
    await assertSameAsFresh('a: 1\n...\nb: 2\n# c\n---\nc: 3\n', [{ start: 9, end: 14, text: '' }]);
  });

  void it('gives the fresh documents when the document after the region is a lone `...`', async () => {
    // `...` becomes `..`: the lone `...` after it now closes the edited document instead of an empty one.
    await assertSameAsFresh('a: 1\n...\n...\nimage: nginx:latest\n', [{ start: 6, end: 7, text: '' }]);
  });

  void it('gives the fresh documents and findings for 3,000 generated texts and edits', async () => {
    const failures: string[] = [];
    for (let seed = 1; seed <= 3000; seed++) {
      const next = random(seed);
      const before = generatedText(next);
      let current = before;
      const edits: Edit[] = [];
      // Most analyses follow one change; some follow several (the tracker merges them into one hint).
      const count = next(4) === 0 ? 2 + next(2) : 1;
      for (let i = 0; i < count; i++) {
        const edit = generatedEdit(current, next);
        edits.push(edit);
        current = current.slice(0, edit.start) + edit.text + current.slice(edit.end);
      }
      try {
        await assertSameAsFresh(before, edits, `seed ${seed}: `);
      } catch (err) {
        failures.push(err instanceof Error ? err.message.split('\n')[0] ?? '' : String(err));
      }
    }
    assert.deepEqual(failures.slice(0, 5), [], `${failures.length} of 3000 differ`);
  });
});
