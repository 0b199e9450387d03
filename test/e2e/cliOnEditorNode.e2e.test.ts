/**
 * The CLI under the Node.js the e2e editor runs (code-server's Node 24, V8 13), not only this Node 20:
 * V8 12 and later have no `--interrupt-budget`, which the CLI sets on V8 11 only (server/src/cli/v8Flags.ts;
 * set anyway, V8 prints "unrecognized flag" on stderr of every run). Here the unit test of the same rule
 * (test/unit/cliEntry.test.ts) is skipped on a fresh machine, where Node 24 is installed only for this layer.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ensureE2eTools, repoRoot, type E2eTools } from './harness/codeServer';

let tools: E2eTools;
const dir = mkdtempSync(path.join(os.tmpdir(), 'rr-cli-node24-'));

void before(async () => {
  tools = await ensureE2eTools();
  writeFileSync(path.join(dir, 'pod.yaml'), 'apiVersion: v1\nkind: Pod\nspec:\n  containers:\n    - image: quay.io/acme/api:latest\n');
});

void after(() => rmSync(dir, { recursive: true, force: true }));

void describe("the CLI under the editor's Node.js", () => {
  void it('lints with nothing on stderr, and finds the same as under this Node', () => {
    const env = { ...process.env, XDG_CACHE_HOME: path.join(dir, 'cache'), DOCKER_CONFIG: path.join(dir, '.no-docker') };
    const args = [path.join(repoRoot, 'bin', 'replicated-registries'), 'lint', '--offline', '--format', 'json'];
    const v8 = spawnSync(tools.nodeBin, ['-p', 'process.versions.v8'], { encoding: 'utf8' }).stdout.trim();
    assert.ok(Number(v8.split('.')[0]) >= 12, `the editor's Node has V8 ${v8}: this test is about a V8 without the flag`);
    // Twice: the first run writes the code cache, the second reads it.
    for (let run = 0; run < 2; run++) {
      const editorNode = spawnSync(tools.nodeBin, args, { cwd: dir, encoding: 'utf8', env });
      assert.equal(editorNode.stderr, '');
      assert.equal(editorNode.status, 0, editorNode.stdout);
      const thisNode = spawnSync(process.execPath, args, { cwd: dir, encoding: 'utf8', env });
      assert.equal(thisNode.stderr, '');
      assert.deepEqual(JSON.parse(editorNode.stdout), JSON.parse(thisNode.stdout));
      assert.deepEqual((JSON.parse(editorNode.stdout) as Array<{ code: string }>).map((result) => result.code), ['registry-not-connected', 'tag-latest']);
    }
  });
});
