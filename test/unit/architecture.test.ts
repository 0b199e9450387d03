/**
 * scripts/check-architecture.mjs (run by `npm test`): it passes on this repository, and it fails — naming
 * the files — on a made-up tree that breaks each rule: an import up the layers, a cycle, a client
 * import of the engine, `vscode` in the server, and module state in an engine module.
 * Run: node --import tsx --test test/unit/architecture.test.ts
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
// @ts-expect-error -- a plain .mjs script without types
import { checkArchitecture, importsOf } from '../../scripts/check-architecture.mjs';

type Check = (root?: string) => { files: number; problems: string[] };

const made: string[] = [];
function tree(files: Record<string, string>): string {
  const root = mkdtempSync(path.join(os.tmpdir(), 'rr-arch-'));
  made.push(root);
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), text);
  }
  return root;
}
after(() => {
  for (const root of made) rmSync(root, { recursive: true, force: true });
});

void describe('the architecture check', () => {
  void it('passes on this repository', () => {
    const { files, problems } = (checkArchitecture as Check)();
    assert.ok(files > 100);
    assert.deepEqual(problems, []);
  });

  void it('reads static, type-only, re-export, dynamic and require imports', () => {
    assert.deepEqual(
      (importsOf as (text: string) => string[])(`import a from './a';\nimport type { B } from "../b";\nexport { c } from './c';\nexport * from './d';\nconst e = await import('./e');\nconst f = require('./f');\n// import g from './g';\n`),
      ['./a', '../b', './c', './d', './e', './f'],
    );
  });

  void it('fails on each broken rule, naming the files', () => {
    const root = tree({
      'server/src/registry/client.ts': "import { rule } from '../rules/rule';\nexport const client = rule;\n",
      'server/src/rules/rule.ts': "import { client } from '../registry/client';\nexport const rule = 1;\nexport const used = client;\n",
      'server/src/store/state.ts': "let counter = 0;\nconst seen = new Set<string>();\nexport function count(x: string) { seen.add(x); return ++counter; }\n",
      'server/src/lsp/editor.ts': "import * as vscode from 'vscode';\nexport const v = vscode;\n",
      'client/src/engineUser.ts': "import { rule } from '../../server/src/rules/rule';\nexport const r = rule;\n",
      'client/src/fine.ts': "import type { X } from '../../server/src/protocol/messages';\nexport type Y = X;\n",
      'server/src/protocol/messages.ts': 'export type X = 1;\n',
    });
    const { problems } = (checkArchitecture as Check)(root);
    const has = (pattern: RegExp): void => assert.ok(problems.some((p) => pattern.test(p)), `${String(pattern)} not in:\n${problems.join('\n')}`);
    has(/server\/src\/registry\/client\.ts \(registry, layer 1\) imports server\/src\/rules\/rule\.ts \(rules, layer \d+\): an import up the layers/);
    has(/import cycle between files: server\/src\/registry\/client\.ts → server\/src\/rules\/rule\.ts/);
    has(/import cycle between folders: registry → rules/);
    has(/client\/src\/engineUser\.ts imports server\/src\/rules\/rule\.ts: the client imports only server\/src\/protocol\//);
    has(/server\/src\/lsp\/editor\.ts imports vscode/);
    has(/server\/src\/store\/state\.ts line 1: module-level let counter/);
    has(/server\/src\/store\/state\.ts line 2: module-level seen is changed at run time/);
    assert.ok(!problems.some((p) => p.includes('client/src/fine.ts')));
  });
});
