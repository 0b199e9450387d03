/**
 * protocol/startFlags.ts: the language server, started with SERVER_NODE_FLAGS (`--max-semi-space-size=1`),
 * loads Node's built-in modules under V8's default flags (so from Node's code cache, which V8 rejects under
 * any other flags), then sets its start flag again before any analysis worker starts. V8's
 * cachedDataVersionTag() is the evidence: it is derived from the V8 version and the flags in effect.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as esbuild from 'esbuild';
import { SERVER_NODE_FLAGS } from '../../server/src/protocol/serverProcess';

const ROOT = path.resolve(import.meta.dirname, '../..');
const dir = mkdtempSync(path.join(os.tmpdir(), 'rr-start-flags-'));
const bundle = path.join(dir, 'server.js');
const HOOK = path.join(dir, 'hook.cjs');
const START_FLAGS = path.join(dir, 'startFlags.js');

/** V8's tag for code cached under `flags`, as a fresh Node process reports it. */
function tagUnder(flags: readonly string[]): number {
  const ran = spawnSync(process.execPath, [...flags, '-p', "require('node:v8').cachedDataVersionTag()"], { encoding: 'utf8' });
  assert.equal(ran.status, 0, ran.stderr);
  return Number(ran.stdout.trim());
}

void before(async () => {
  // Built as dist/server.js is (a bundle: the order in which its modules load is the bundle's).
  await esbuild.build({ entryPoints: [path.join(ROOT, 'server/src/server.ts')], outfile: bundle, bundle: true, platform: 'node', target: 'node20', format: 'cjs', logLevel: 'error', absWorkingDir: ROOT });
  await esbuild.build({ entryPoints: [path.join(ROOT, 'server/src/protocol/startFlags.ts')], outfile: START_FLAGS, bundle: true, platform: 'node', target: 'node20', format: 'cjs', logLevel: 'error' });
  // Records the V8 tag at each require of a built-in by the bundle; reports at exit (the server ends when its stdin does).
  writeFileSync(
    HOOK,
    `const v8 = require('node:v8'); const Module = require('node:module'); const seen = [];
const load = Module._load;
Module._load = function (request, parent, ...rest) {
  if (parent && parent.filename === ${JSON.stringify(bundle)} && (request.startsWith('node:') || Module.isBuiltin(request))) seen.push([request, v8.cachedDataVersionTag()]);
  return load.call(this, request, parent, ...rest);
};
process.on('exit', () => require('node:fs').writeSync(2, '\\n' + JSON.stringify({ seen, after: v8.cachedDataVersionTag() }) + '\\n'));`,
  );
});

void after(() => rmSync(dir, { recursive: true, force: true }));

void describe('the language server under its start flags', () => {
  void it("loads Node's built-ins under V8's default flags, then runs under the flags it was started with", () => {
    const plain = tagUnder([]);
    const started = tagUnder(SERVER_NODE_FLAGS);
    assert.notEqual(plain, started, 'the start flags change the tag (else this test sees nothing)');
    const ran = spawnSync(process.execPath, [...SERVER_NODE_FLAGS, '--require', HOOK, bundle, '--stdio'], { encoding: 'utf8', input: '', timeout: 30_000 });
    const report = JSON.parse(ran.stderr.trim().split('\n').pop() as string) as { seen: Array<[string, number]>; after: number };
    // node:v8 and node:worker_threads come first (they put the flag back); every other built-in loads after.
    assert.deepEqual(
      report.seen.slice(0, 2).map(([request]) => request),
      ['node:v8', 'node:worker_threads'],
    );
    // Each built-in's first require (the one that compiles it); a built-in already loaded compiles nothing.
    const first = new Map<string, number>();
    for (const [request, tag] of report.seen) if (!first.has(request.replace(/^node:/, ''))) first.set(request.replace(/^node:/, ''), tag);
    const later = [...first].slice(2);
    assert.ok(later.length > 10, `${later.length} built-ins loaded at start`);
    for (const [request, tag] of later) assert.equal(tag, plain, `${request} was loaded under the start flags`);
    // Then the start flag is set again (with the tier-up budget, where this V8 has it): not V8's default.
    assert.notEqual(report.after, plain);
  });

  void it('sets the start flag again before anything else, changes nothing from a worker, and leaves a process started without it alone', () => {
    // The module as the bundle carries it (CommonJS), in the main thread and then in a worker (the analysis
    // worker runs the same bundle).
    const script = `const v8 = require('node:v8');
const { restoreStartFlags } = require(${JSON.stringify(START_FLAGS)});
const loaded = v8.cachedDataVersionTag();
restoreStartFlags();
const restored = v8.cachedDataVersionTag();
const worker = new (require('node:worker_threads').Worker)("require(${JSON.stringify(START_FLAGS).replace(/"/g, '\\"')}); require('node:worker_threads').parentPort.postMessage(require('node:v8').cachedDataVersionTag());", { eval: true });
worker.once('message', (inWorker) => {
  console.log(JSON.stringify({ loaded, restored, inWorker, afterWorker: v8.cachedDataVersionTag() }));
  void worker.terminate();
});`;
    type Tags = { loaded: number; restored: number; inWorker: number; afterWorker: number };
    const run = (flags: readonly string[]): Tags => {
      const ran = spawnSync(process.execPath, [...flags, '-e', script], { encoding: 'utf8' });
      assert.equal(ran.status, 0, ran.stderr);
      return JSON.parse(ran.stdout.trim()) as Tags;
    };
    const plain = tagUnder([]);
    const started = tagUnder(SERVER_NODE_FLAGS);
    assert.deepEqual(run(SERVER_NODE_FLAGS), { loaded: plain, restored: started, inWorker: started, afterWorker: started });
    assert.deepEqual(run([]), { loaded: plain, restored: plain, inWorker: plain, afterWorker: plain });
  });
});
