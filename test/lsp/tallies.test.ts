/**
 * An open file's problem tallies (lsp/diagnosticSet.ts Tallies), kept from one set of diagnostics to the
 * next: counts start again at zero, a note is the same object while its first mark and count are the same
 * and a new one when either changes, and problems the last set did not have go once they are most of them.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Diagnostic } from 'vscode-languageserver/node';
import { Tallies } from '../../server/src/lsp/diagnosticSet';

function mark(line: number): Diagnostic {
  return { range: { start: { line, character: 0 }, end: { line, character: 1 } }, message: `problem at ${line}` };
}

/** One set: `places` places of problem `cause`, its first mark `first` at out[0]. */
function set(tallies: Tallies, cause: string, places: number, first: Diagnostic, max = 2): Diagnostic[] {
  tallies.reset();
  const out = [first];
  const tally = tallies.of(cause);
  tally.first = 0;
  tally.count = places;
  tallies.note(out, max);
  return out;
}

void describe('Tallies', () => {
  void it('reuses a note while the first mark and the count stay, and makes a new one when either changes', () => {
    const tallies = new Tallies();
    const first = mark(1);
    const a = set(tallies, 'x', 5, first)[0] as Diagnostic;
    assert.match(a.message, /^problem at 1 \(the same problem at 5 places in this file; the first 2 are marked/);
    assert.equal(first.message, 'problem at 1', 'the mark itself is not changed');
    assert.equal(set(tallies, 'x', 5, first)[0], a, 'the same note object');
    const b = set(tallies, 'x', 6, first)[0] as Diagnostic;
    assert.notEqual(b, a);
    assert.match(b.message, /at 6 places/);
    const other = mark(2);
    const c = set(tallies, 'x', 6, other)[0] as Diagnostic;
    assert.match(c.message, /^problem at 2 \(the same problem at 6 places/);
    assert.equal(set(tallies, 'x', 2, other)[0], other, 'no note at the cap');
  });

  void it('starts each set from zero', () => {
    const tallies = new Tallies();
    tallies.of('x').count = 7;
    tallies.reset();
    assert.equal(tallies.of('x').count, 0);
    assert.equal(tallies.of('x').first, -1);
  });

  void it('drops problems the last set did not have once they are most of them', () => {
    const tallies = new Tallies();
    for (let i = 0; i < 3000; i++) tallies.of(`gone-${i}`);
    const kept = tallies.of('kept');
    kept.count = 1;
    tallies.reset();
    assert.equal(tallies.of('kept'), kept, 'a problem of the last set stays');
    assert.notEqual(tallies.of('gone-1'), undefined);
    assert.equal(tallies.size, 2, 'the others went (gone-1 asked for again)');
  });
});
