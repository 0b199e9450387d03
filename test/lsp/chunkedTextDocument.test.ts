/**
 * The chunked open-document model against vscode-languageserver-textdocument itself: the same random
 * incremental edits (line breaks of every kind, edits across chunk boundaries, deletions to empty,
 * full replacements) must give the same text, line count, positions and offsets.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TextDocument, type TextDocumentContentChangeEvent } from 'vscode-languageserver-textdocument';
import { ChunkedTextDocument } from '../../server/src/lsp/chunkedTextDocument';

/** A small deterministic generator, so a failure reproduces. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

const PIECES = ['a', 'image: ghcr.io/acme/app:1.0', '\n', '\r\n', '\r', '---\n', 'é', '😀', '  - name: x\n', ''];

function randomText(next: () => number, length: number): string {
  let out = '';
  while (out.length < length) out += PIECES[Math.floor(next() * PIECES.length)] as string;
  return out;
}

function assertSame(actual: ChunkedTextDocument, expected: TextDocument, next: () => number, what: string): void {
  const text = expected.getText();
  assert.equal(actual.length, text.length, what);
  assert.equal(actual.lineCount, expected.lineCount, what);
  for (let i = 0; i < 20; i++) {
    const a = Math.floor(next() * (text.length + 1));
    const b = a + Math.floor(next() * Math.min(40_000, text.length - a + 1));
    assert.equal(actual.slice(a, b), text.slice(a, b), `${what}: slice ${a}-${b}`);
    assert.deepEqual(actual.positionAt(a), expected.positionAt(a), `${what}: positionAt ${a}`);
    const position = { line: Math.floor(next() * (expected.lineCount + 2)), character: Math.floor(next() * 40) };
    assert.equal(actual.offsetAt(position), expected.offsetAt(position), `${what}: offsetAt ${JSON.stringify(position)}`);
  }
  assert.equal(actual.getText(), text, what);
}

void describe('ChunkedTextDocument', () => {
  void it('matches vscode-languageserver-textdocument under random incremental edits', () => {
    for (const seed of [1, 2, 3, 4]) {
      const next = random(seed);
      const initial = randomText(next, seed === 1 ? 0 : 90_000);
      let expected = TextDocument.create('file:///a.yaml', 'yaml', 1, initial);
      let actual = ChunkedTextDocument.create('file:///a.yaml', 'yaml', 1, initial);
      for (let version = 2; version < 300; version++) {
        const length = expected.getText().length;
        const start = Math.floor(next() * (length + 1));
        // Mostly small edits, sometimes large ones that span chunks, rarely a full replacement.
        const span = next() < 0.1 ? Math.floor(next() * 50_000) : Math.floor(next() * 30);
        const end = Math.min(length, start + span);
        const change: TextDocumentContentChangeEvent =
          next() < 0.01
            ? { text: randomText(next, Math.floor(next() * 60_000)) }
            : { range: { start: expected.positionAt(start), end: expected.positionAt(end) }, text: randomText(next, next() < 0.1 ? Math.floor(next() * 40_000) : Math.floor(next() * 12)) };
        const previous = actual;
        const previousText = previous.getText();
        expected = TextDocument.update(expected, [change], version);
        actual = ChunkedTextDocument.update(actual, [change], version);
        assert.equal(actual.version, version);
        // Versions are immutable: the previous one still reads as before.
        assert.equal(previous.getText(), previousText);
        if (version % 25 === 0 || version < 10) assertSame(actual, expected, next, `seed ${seed} version ${version}`);
        else assert.equal(actual.length, expected.getText().length);
      }
      assertSame(actual, expected, next, `seed ${seed} final`);
    }
  });

  void it('reads a region of a 3 MB text without joining it', () => {
    const big = 'image: ghcr.io/acme/app:1.0\n'.repeat(110_000);
    let document = ChunkedTextDocument.create('file:///big.yaml', 'yaml', 1, big);
    document = ChunkedTextDocument.update(document, [{ range: { start: { line: 5000, character: 24 }, end: { line: 5000, character: 27 } }, text: 'latest' }], 2);
    assert.equal(document.slice(document.offsetAt({ line: 5000, character: 0 }), document.offsetAt({ line: 5001, character: 0 })), 'image: ghcr.io/acme/app:latest\n');
    assert.equal(document.length, big.length + 3);
  });
});

void describe('slices an analysis keeps', () => {
  void it('sliceToKeep gives the text of the range, in the created version, an edited one and a joined one', () => {
    const text = 'image: ghcr.io/acme/app:1.0\n'.repeat(5_000);
    const created = ChunkedTextDocument.create('file:///a.yaml', 'yaml', 1, text);
    assert.equal(created.sliceToKeep(28, 56), 'image: ghcr.io/acme/app:1.0\n');
    assert.equal(created.sliceToKeep(16_370, 16_400), text.slice(16_370, 16_400));
    const edited = ChunkedTextDocument.update(created, [{ range: { start: { line: 1, character: 24 }, end: { line: 1, character: 27 } }, text: 'latest' }], 2);
    assert.equal(edited.sliceToKeep(28, 59), 'image: ghcr.io/acme/app:latest\n');
    assert.equal(edited.sliceToKeep(16_370, 16_400), edited.getText().slice(16_370, 16_400));
    // Once joined, an edited version's text is a new string: still the same characters.
    assert.equal(edited.sliceToKeep(0, 28), 'image: ghcr.io/acme/app:1.0\n');
  });
});

void describe('line starts of a created document', () => {
  void it('match vscode-languageserver-textdocument for texts with \\n only: empty, one line, no final line break, past the first array size', () => {
    const texts = ['', 'a', '\n', 'a\nb', 'a\nb\n', '\n\n\n', 'x\n'.repeat(3_000) + 'tail', 'a-rather-long-line-of-text-here\n'.repeat(2_000)];
    for (const text of texts) {
      const ours = ChunkedTextDocument.create('file:///a.yaml', 'yaml', 1, text);
      const theirs = TextDocument.create('file:///a.yaml', 'yaml', 1, text);
      assert.equal(ours.lineCount, theirs.lineCount, JSON.stringify(text.slice(0, 20)));
      for (let line = 0; line <= theirs.lineCount; line += Math.max(1, Math.floor(theirs.lineCount / 50))) {
        assert.equal(ours.offsetAt({ line, character: 0 }), theirs.offsetAt({ line, character: 0 }));
      }
      for (let offset = 0; offset <= text.length; offset += Math.max(1, Math.floor(text.length / 97))) {
        assert.deepEqual(ours.positionAt(offset), theirs.positionAt(offset));
      }
    }
  });
});
