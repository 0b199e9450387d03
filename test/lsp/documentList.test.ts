/**
 * DocumentList (lsp/fileAnalysis.ts) against a plain array of documents: random replacements (the same
 * number of documents, more, fewer, across page boundaries, with and without a shift) must give the same
 * starts, ends, results, document lookups and dependent counts, and leave the list they came from as it was.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DocumentList, type AnalyzedDocument, type DocumentResult } from '../../server/src/lsp/fileAnalysis';

function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

function result(dependent: boolean): DocumentResult {
  return { images: [], syntaxErrors: [], findings: dependent ? undefined : [] };
}

/** Contiguous documents of random lengths from `start`. */
function documentsFrom(start: number, count: number, next: () => number): AnalyzedDocument[] {
  const out: AnalyzedDocument[] = [];
  let at = start;
  for (let i = 0; i < count; i++) {
    const end = at + 1 + Math.floor(next() * 50);
    out.push({ start: at, end, result: result(next() < 0.1) });
    at = end;
  }
  return out;
}

function assertSame(list: DocumentList, model: readonly AnalyzedDocument[]): void {
  assert.equal(list.length, model.length);
  model.forEach((document, index) => {
    assert.equal(list.start(index), document.start, `start of ${index}`);
    assert.equal(list.end(index), document.end, `end of ${index}`);
    assert.equal(list.result(index), document.result, `result of ${index}`);
    assert.deepEqual(list.at(index), document);
    assert.equal(list.indexAt(document.start), index);
    assert.equal(list.indexAt(document.end - 1), index);
  });
  assert.equal(list.dependentIn(0, model.length - 1), model.filter((d) => !d.result.findings).length);
}

void describe('DocumentList', () => {
  void it('matches a plain array through random replacements', () => {
    const next = random(12);
    let model = documentsFrom(0, 700, next);
    let list = DocumentList.of(model);
    assertSame(list, model);
    for (let round = 0; round < 300; round++) {
      const first = Math.floor(next() * model.length);
      const last = Math.min(model.length - 1, first + Math.floor(next() * 3));
      const shape = next();
      // Most edits keep the number of documents (a keystroke inside one); some split or join documents.
      const count = shape < 0.6 ? last + 1 - first : Math.max(1, last + 1 - first + Math.floor(next() * 5) - 2);
      const start = (model[first] as AnalyzedDocument).start;
      const middle = documentsFrom(start, count, next);
      const delta = (middle[middle.length - 1] as AnalyzedDocument).end - (model[last] as AnalyzedDocument).end;
      const before = model;
      const beforeList = list;
      model = [...model.slice(0, first), ...middle, ...model.slice(last + 1).map((d) => ({ ...d, start: d.start + delta, end: d.end + delta }))];
      list = list.replaced(first, last, middle, delta);
      assertSame(list, model);
      // The earlier version is unchanged (analyses are immutable snapshots).
      if (round % 50 === 0) assertSame(beforeList, before);
    }
  });

  void it('finds the first document for offsets before it and the last for offsets past the end', () => {
    const list = DocumentList.of([
      { start: 0, end: 10, result: result(false) },
      { start: 10, end: 20, result: result(true) },
    ]);
    assert.equal(list.indexAt(-5), 0);
    assert.equal(list.indexAt(25), 1);
    assert.equal(list.dependentIn(0, 1), 1);
  });
});
