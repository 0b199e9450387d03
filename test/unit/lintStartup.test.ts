/**
 * What an offline `lint` loads: only what it uses. node:zlib (packaged charts) is loaded with the first
 * archive, not on every start (issue 12: 3.5-3.8 ms and 116 page faults of each start). Each case runs
 * in a fresh process, whose list of loaded Node modules is the evidence.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';

const ROOT = path.resolve(import.meta.dirname, '../..');
const dir = mkdtempSync(path.join(os.tmpdir(), 'rr-lint-startup-'));
writeFileSync(path.join(dir, 'pod.yaml'), 'apiVersion: v1\nkind: Pod\nspec:\n  containers:\n    - image: nginx:1.25\n');

void after(() => rmSync(dir, { recursive: true, force: true }));

/** Runs `script` (an ES module body) in a fresh Node process through tsx; returns its last stdout line as JSON. */
function inFreshProcess(script: string): unknown {
  const ran = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, DOCKER_CONFIG: path.join(dir, '.no-docker') } });
  assert.equal(ran.status, 0, ran.stderr);
  return JSON.parse(ran.stdout.trim().split('\n').pop() as string);
}

const LOADED_ZLIB = `process.moduleLoadList.includes('NativeModule zlib')`;

void describe('lint --offline start-up', () => {
  void it('does not load node:zlib when no packaged chart is read', () => {
    const result = inFreshProcess(`
      const cli = await import(${JSON.stringify(path.join(ROOT, 'server/src/cli/main.ts'))});
      const main = cli.main ?? cli.default.main;
      const out = [];
      const sink = { write: (text) => void out.push(text) };
      const code = await main(['lint', '--offline', '--format', 'json'], { stdout: sink, stderr: sink, stdin: null, env: {}, cwd: ${JSON.stringify(dir)} });
      console.log(JSON.stringify({ code, zlib: ${LOADED_ZLIB}, printed: out.join('') }));`) as { code: number; zlib: boolean; printed: string };
    assert.equal(result.code, 0, result.printed);
    assert.ok(result.printed.startsWith('['), result.printed);
    assert.equal(result.zlib, false);
  });

  void it('loads it when a packaged chart is read (the check above can see it)', () => {
    const result = inFreshProcess(`
      const archive = await import(${JSON.stringify(path.join(ROOT, 'server/src/charts/archive.ts'))});
      const { readChartArchive } = archive.readChartArchive ? archive : archive.default;
      const before = ${LOADED_ZLIB};
      // A gzip header and nothing after it: gunzip runs and fails, which is enough to load it.
      const failed = await readChartArchive(new Uint8Array([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3]), 'broken.tgz').then(() => false, (error) => error instanceof Error);
      console.log(JSON.stringify({ before, after: ${LOADED_ZLIB}, failed }));`) as { before: boolean; after: boolean; failed: boolean };
    assert.deepEqual(result, { before: false, after: true, failed: true });
  });
});
