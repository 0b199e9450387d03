/**
 * The fast scanner's trees against `yaml`'s (parseDocumentFully), node for node with offsets, on the
 * generated real-world corpus and on lines built to reach each search the scanner does with `indexOf`
 * (colons and comment starts, kept between lines) and its shared scratch stacks (a scan after one that
 * gave up). Issue 12 rewrote those parts for speed; what they read must not change.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FastScanner, Undecidable } from '../../server/src/yaml/fastScanner';
import { findImages, findImagesInDocument, splitDocuments } from '../../server/src/manifests/findImages';
import { parseDocumentFully } from '../../server/src/manifests/fullParse';
import { fileRoleOf } from '../../server/src/manifests/shapes';
import { generateCorpus } from '../fixtures/corpus';

/** The fast tree as JSON, or undefined when the scanner hands the document to `yaml`. */
function fastJson(text: string, start: number, end: number): string | undefined {
  try {
    return JSON.stringify(new FastScanner(text, start, end, false).scan());
  } catch (error) {
    if (error instanceof Undecidable) return undefined;
    throw error;
  }
}

/** Every document of `text` the fast scanner decides reads as `yaml` reads it; returns how many it decided. */
function assertSameTrees(text: string, label: string): number {
  let decided = 0;
  for (const range of splitDocuments(text)) {
    const fast = fastJson(text, range.start, range.end);
    if (fast === undefined) continue;
    decided++;
    const full = parseDocumentFully(text, range.start, range.end);
    assert.deepEqual(full.errors, [], `${label}: the fast scanner decided a document yaml rejects:\n${text.slice(range.start, range.end)}`);
    assert.equal(fast, JSON.stringify(full.root), `${label}:\n${text.slice(range.start, range.end)}`);
  }
  return decided;
}

const EDGE_LINES = [
  'url: http://example.com:8080/path',
  'ratio: a:b',
  'time: 12:30',
  'hash: a#b',
  'comment: value # trailing: comment',
  'spaced: value   #comment',
  'a#b: key with a hash',
  'empty:',
  '"quoted key": v',
  "'single # key': v",
  'flow: {a: b, "c": d, e: f:g}',
  'seq: [a, b:c, "d # e"]',
  'tab-comment: v\t# comment',
  'image: ghcr.io/acme/api:1.4.2@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef',
];

void describe('fast scanner: same trees as yaml', () => {
  void it('on the generated real-world corpus (every document it decides)', () => {
    let decided = 0;
    for (const file of generateCorpus(12, 300)) decided += assertSameTrees(file.text, file.path);
    assert.ok(decided > 300, `only ${decided} documents decided by the fast scanner`);
  });

  void it('on lines with colons and comment starts in every place, nested and repeated', () => {
    const nested = (indent: string): string => EDGE_LINES.map((line) => `${indent}${line}`).join('\n');
    const text = [
      `root:\n${nested('  ')}\nlist:\n  - ${EDGE_LINES.join('\n    ')}\n`,
      `---\n# a comment: with a colon\n${nested('')}\n`,
      `---\na:\n  b:\n    ${EDGE_LINES.join('\n    ')}\nc: d # last: line\n`,
    ].join('');
    assert.equal(assertSameTrees(text, 'edge lines'), 3);
    // `key: value:` is a mapping inside a plain scalar: `yaml` decides (and reports) it.
    for (const line of ['colon-end: value:', 'x:\n  colon-end: value: # c']) assert.equal(fastJson(line, 0, line.length), undefined, line);
  });

  void it('gives the same answer again after a scan that gave up midway (shared scratch stacks)', () => {
    const good = 'a:\n  b: [1, {c: d}]\n  e:\n    - f: g\n';
    const expected = fastJson(good, 0, good.length);
    assert.ok(expected);
    const undecidable = 'a:\n  b:\n    c: &anchor d\n';
    assert.equal(fastJson(undecidable, 0, undecidable.length), undefined);
    assert.equal(fastJson(good, 0, good.length), expected);
  });

  void it('a colon or comment search does not cross into the next document', () => {
    // The first document's last value has no colon or comment after it in the document; the next one does.
    const text = 'a: value\n---\nb: c # comment: here\n';
    const [first, second] = splitDocuments(text);
    assert.ok(first && second);
    assert.equal(fastJson(text, first.start, first.end), JSON.stringify({ type: 'map', keys: ['a'], values: [{ type: 'scalar', value: 'value', start: 3, end: 8, style: 'plain', exact: true }] }));
    assert.equal(assertSameTrees(text, 'two documents'), 2);
  });
});

void describe('findImages on a whole file == document by document', () => {
  void it('same images (and shared references for the same text) on the corpus', () => {
    for (const file of generateCorpus(5, 200)) {
      const whole = findImages(file.text, file.path, { proxyDomains: ['images.acme.example'] });
      const reading = { role: fileRoleOf(file.path), parsed: new Map() };
      const byDocument = splitDocuments(file.text).flatMap((range) => findImagesInDocument(file.text, range, file.path, { proxyDomains: ['images.acme.example'], ...reading }).images);
      assert.deepEqual(whole.images, byDocument, file.path);
      const byText = new Map<string, object | undefined>();
      for (const image of whole.images) {
        if (!image.reference) continue;
        const first = byText.get(image.text);
        if (first) assert.equal(image.reference, first, `${file.path}: one reference object per image text`);
        else byText.set(image.text, image.reference);
      }
    }
  });
});
