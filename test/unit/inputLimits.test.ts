/**
 * The input bounds (server/src/limits/): files read only when regular and small enough, nesting measured
 * before any recursive parser runs, alias expansion budgeted, whole files and analysis time bounded —
 * each reached bound reported once, as an `analysis-limit` finding, never as a crash or a hang.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { ANALYSIS_LIMIT_CODE } from '../../server/src/findings/types';
import type { ReleaseEnvironment } from '../../server/src/release/release';
import { analyzeFile } from '../../server/src/analysis/analyzeFile';
import { BoundedReadError, readRegularFile, readRegularFileSync, SeenRegularFileReader } from '../../server/src/limits/boundedFiles';
import { INPUT_LIMITS } from '../../server/src/limits/inputLimits';
import { nestingDeeperThan } from '../../server/src/limits/nestingDepth';
import { findImages } from '../../server/src/manifests/findImages';
import { parseDocumentFully } from '../../server/src/manifests/fullParse';
import type { YNode } from '../../server/src/yaml/yamlTree';
import { emptyRegistriesConfig } from '../../server/src/store/types';

const dir = mkdtempSync(path.join(os.tmpdir(), 'rr-limits-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const env: ReleaseEnvironment = { config: emptyRegistriesConfig(), offline: true, credentialsFor: () => Promise.resolve({}) };

function limitMessages(text: string, file = 'deploy.yaml'): string[] {
  return findImages(text, file)
    .syntaxErrors.filter((error) => error.parserCode === ANALYSIS_LIMIT_CODE)
    .map((error) => error.message);
}

void describe('reading a file a committed file names', () => {
  void it('reads a regular file within the cap', async () => {
    const file = path.join(dir, 'ok.pem');
    writeFileSync(file, 'hello');
    assert.equal((await readRegularFile(file, 10)).toString(), 'hello');
    assert.equal(readRegularFileSync(file, 10).toString(), 'hello');
  });

  void it('refuses a FIFO nobody writes, at once (it would block a plain read forever)', async () => {
    const fifo = path.join(dir, 'ca.fifo');
    execFileSync('mkfifo', [fifo]);
    await assert.rejects(readRegularFile(fifo, 1024), (error: unknown) => error instanceof BoundedReadError && error.failure === 'not-a-file' && /named pipe \(FIFO\)/.test(error.message));
    assert.throws(() => readRegularFileSync(fifo, 1024), /named pipe \(FIFO\), not a regular file/);
  });

  void it('refuses devices and folders (/dev/zero never ends)', async () => {
    await assert.rejects(readRegularFile('/dev/zero', 1024), /a character device, not a regular file/);
    assert.throws(() => readRegularFileSync(dir, 1024), /a folder, not a regular file/);
  });

  void it('refuses a file over the cap without reading it', async () => {
    const file = path.join(dir, 'big.pem');
    writeFileSync(file, Buffer.alloc(2048));
    await assert.rejects(readRegularFile(file, 1024), (error: unknown) => error instanceof BoundedReadError && error.failure === 'too-large' && error.size === 2048);
  });

  void it('reports a missing file with its code', async () => {
    await assert.rejects(readRegularFile(path.join(dir, 'absent'), 10), (error: unknown) => error instanceof BoundedReadError && error.failure === 'io' && error.code === 'ENOENT');
  });
});

void describe("lint's reader of listed files (one buffer, fstat only when the read is unusual)", () => {
  /** The error `fn` throws (it must throw). */
  function thrown(fn: () => unknown): BoundedReadError {
    try {
      fn();
    } catch (error) {
      assert.ok(error instanceof BoundedReadError, String(error));
      return error;
    }
    assert.fail('expected a BoundedReadError');
  }

  void it('reads files of every size in turn through its one buffer, each exactly', () => {
    const reader = new SeenRegularFileReader(1024 * 1024);
    const texts = ['é'.repeat(50_000) + 'end', 'short', '', 'x'.repeat(64 * 1024), 'y'.repeat(64 * 1024 + 1), 'after: ok\n'];
    texts.forEach((text, index) => {
      const file = path.join(dir, `seen-${index}.yaml`);
      writeFileSync(file, text);
      assert.equal(reader.readText(file), text);
    });
  });

  void it('reads a file larger than its buffer into one buffer of its size (not one doubled and copied)', () => {
    const reader = new SeenRegularFileReader(1024 * 1024);
    const file = path.join(dir, 'seen-large.yaml');
    writeFileSync(file, 'z'.repeat(300_000));
    assert.equal(reader.readText(file).length, 300_000);
    assert.equal((reader as unknown as { buffer: Buffer }).buffer.length, 300_001);
  });

  void it('refuses a file over the cap with the error readRegularFileSync gives, reading at most its first buffer', () => {
    const file = path.join(dir, 'seen-big.yaml');
    writeFileSync(file, Buffer.alloc(200 * 1024, 0x61));
    const error = thrown(() => new SeenRegularFileReader(100 * 1024).readText(file));
    assert.equal(error.failure, 'too-large');
    assert.equal(error.size, 200 * 1024);
    assert.equal(error.message, thrown(() => readRegularFileSync(file, 100 * 1024)).message);
    // A cap below the first buffer's size: the read stops one byte past it.
    assert.equal(thrown(() => new SeenRegularFileReader(1000).readText(file)).failure, 'too-large');
  });

  void it('refuses what is not a regular file as readRegularFileSync does: a FIFO nobody writes, a folder, a device', () => {
    const fifo = path.join(dir, 'seen.fifo');
    execFileSync('mkfifo', [fifo]);
    const reader = new SeenRegularFileReader(1024);
    for (const target of [fifo, dir, '/dev/null', '/dev/zero']) {
      const error = thrown(() => reader.readText(target));
      assert.equal(error.failure, 'not-a-file', target);
      assert.equal(error.message, thrown(() => readRegularFileSync(target, 1024)).message, target);
    }
  });

  void it('reports a missing file with its code', () => {
    const error = thrown(() => new SeenRegularFileReader(10).readText(path.join(dir, 'absent')));
    assert.deepEqual([error.failure, error.code], ['io', 'ENOENT']);
  });
});

void describe('nesting depth, measured in one pass', () => {
  void it('counts block and flow nesting', () => {
    assert.equal(nestingDeeperThan('a:\n  b:\n    c: [1, [2]]\n', 0, 25, 5), undefined);
    assert.equal(nestingDeeperThan('a:\n  b:\n    c: [1, [2]]\n', 0, 25, 4), 19);
    assert.equal(nestingDeeperThan('- - - - x\n', 0, 10, 3), 0);
  });

  void it('ignores brackets in quoted scalars, comments and block scalars', () => {
    const text = `a: "[[[["\nb: '{{{{'\n# [[[[[[\nc: |\n  [[[[[[[[\n  {{{{{{{{\nd: it's [fine]\n`;
    assert.equal(nestingDeeperThan(text, 0, text.length, 3), undefined);
  });

  void it('an unterminated quote does not hide the brackets after it', () => {
    const text = `a: x-'y\nb: ${'['.repeat(50)}\n`;
    assert.notEqual(nestingDeeperThan(text, 0, text.length, 20), undefined);
  });
});

void describe('alias expansion is budgeted', () => {
  const bomb = (levels: number): string => {
    const lines = ['kind: ConfigMap', 'data:', '  l0: &l0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 1; i < levels; i++) lines.push(`  l${i}: &l${i} [${Array(9).fill(`*l${i - 1}`).join(',')}]`);
    return lines.join('\n') + '\n';
  };
  const count = (node: YNode | null): number =>
    !node ? 0 : node.type === 'scalar' ? 1 : node.type === 'seq' ? 1 + node.items.reduce((s, n) => s + count(n), 0) : 1 + node.values.reduce((s, n) => s + count(n), 0);

  void it('a 9×9 "billion laughs" builds no more than the budget and says so once', () => {
    const text = bomb(9);
    assert.ok(text.length < 500);
    const full = parseDocumentFully(text, 0, text.length);
    assert.ok(count(full.root) <= INPUT_LIMITS.aliasExpansionNodes + 100, `${count(full.root)} nodes`);
    const messages = limitMessages(text);
    assert.equal(messages.length, 1);
    assert.match(messages[0] ?? '', /the aliases of this YAML document expand to more than 100,000 nodes \(an alias bomb\?\)/);
  });

  void it('ordinary aliases are expanded, and resolve to the last anchor of that name before them', () => {
    const text = 'x: &a {image: "nginx:1.1"}\ny: &a {image: "nginx:2.2"}\nspec:\n  containers:\n    - *a\n';
    assert.deepEqual(limitMessages(text), []);
    assert.deepEqual(findImages(text, 'pod.yaml').images.map((image) => image.text), ['nginx:2.2']);
  });

  void it('an anchor that contains an alias of itself stops at the bounds', () => {
    const text = 'kind: Pod\nloop: &loop\n  again: *loop\n  more: [*loop, *loop]\nspec:\n  containers:\n    - image: nginx:1.27\n';
    assert.deepEqual(findImages(text, 'pod.yaml').images.map((image) => image.text), ['nginx:1.27']);
  });

  void it('many aliases are resolved in one pass (14,000 aliases once took 21 s)', () => {
    let text = 'base: &b {x: 1}\nitems:\n';
    while (text.length < 100 * 1024) text += '  - *b\n';
    const root = parseDocumentFully(text, 0, text.length).root;
    assert.ok(root && root.type === 'map');
  });
});

void describe('whole files', () => {
  void it('a file over the analysed size gets one analysis-limit finding and is not read', async () => {
    const text = `kind: Pod\n# ${'x'.repeat(INPUT_LIMITS.analyzedFileBytes)}\n`;
    const findings = await analyzeFile({ text, path: 'huge.yaml' }, env);
    assert.deepEqual(findings.map((f) => f.code), ['analysis-limit']);
    assert.match(findings[0]?.message ?? '', /this file is 16 MiB, more than the 16 MiB analysed per file, so none of it is checked/);
  });

  void it('a document needing the exact parser over its cap is refused (the fast scanner still reads large plain documents)', () => {
    const plain = `items:\n${'  - image: nginx:1.0\n'.repeat(150_000)}`;
    assert.ok(plain.length > INPUT_LIMITS.fullParseDocumentBytes);
    assert.deepEqual(limitMessages(plain), []);
    const anchored = `x: &a 1\n${plain}`;
    assert.match(limitMessages(anchored)[0] ?? '', /this YAML document is [\d.]+ MiB, and documents over 2 MiB that need the exact YAML parser/);
  });

  void it('the time budget stops between documents, with one finding at the first document not read', () => {
    const text = ['image: a:1', 'image: b:1', 'image: c:1', 'image: d:1'].join('\n---\n') + '\n';
    const realNow = Date.now;
    let clock = 0;
    Date.now = () => (clock += INPUT_LIMITS.analysisTimeMs / 2 + 1);
    try {
      const { images, syntaxErrors } = findImages(text, 'values.yaml');
      const limits = syntaxErrors.filter((error) => error.parserCode === ANALYSIS_LIMIT_CODE);
      assert.equal(limits.length, 1);
      assert.match(limits[0]?.message ?? '', /took longer than 5 s, so the documents from here on are not checked/);
      assert.ok(images.length < 4 && images.length > 0, `${images.length} images`);
      assert.equal(text.slice(limits[0]?.start ?? 0).startsWith('---'), true);
    } finally {
      Date.now = realNow;
    }
  });
});
