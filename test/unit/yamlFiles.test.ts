import assert from 'node:assert/strict';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { findYamlFiles, findYamlFilesSync } from '../../server/src/workspace/yamlFiles';
import { tempWorkspace } from '../lsp/workspaceFixture';

const YAML = 'a: 1\n';
const workspace = tempWorkspace({
  // c/d/e/: a path two folders below the .gitignore that names it (the walk's folder relative to each scope).
  '.gitignore': 'build/\n*.generated.yaml\nc/d/e/\n',
  'a.yaml': YAML,
  'b-dir/x.yml': YAML,
  'b.yaml': YAML,
  'build/out.yaml': YAML,
  'c/keep.yaml': YAML,
  'c/skip.generated.yaml': YAML,
  'c/.gitignore': 'local.yaml\n/only-here/\n',
  'c/local.yaml': YAML,
  'c/only-here/x.yaml': YAML,
  'c/d/local.yaml': YAML,
  'c/d/only-here/y.yaml': YAML,
  'c/d/e/deep.yaml': YAML,
  'c/d/kept/deep.yaml': YAML,
  'node_modules/pkg/x.yaml': YAML,
  '.git/x.yaml': YAML,
  'notes.txt': YAML,
});
const root = workspace.root;

void after(() => workspace.dispose());

void describe('findYamlFiles', () => {
  const expected = ['a.yaml', 'b-dir/x.yml', 'b.yaml', 'c/d/kept/deep.yaml', 'c/d/only-here/y.yaml', 'c/keep.yaml'];

  void it('walks depth first in name order, honouring every .gitignore on the way down (nested ones for their subtree)', async () => {
    const found = (await findYamlFiles(root)).map((file) => path.relative(root, file).split(path.sep).join('/'));
    assert.deepEqual(found, expected);
  });

  void it('the synchronous walk (lint) finds the same files in the same order; paths are joined as path.join would', async () => {
    assert.deepEqual(findYamlFilesSync(root), await findYamlFiles(root));
    assert.deepEqual(findYamlFilesSync(`${root}${path.sep}`), (await findYamlFiles(root)));
    const relative = path.relative(process.cwd(), root);
    assert.deepEqual(findYamlFilesSync(`.${path.sep}${relative}`), expected.map((file) => path.join(relative, file)));
  });

  void it('stops at maxFiles, and tells about a folder it cannot read', () => {
    assert.deepEqual(findYamlFilesSync(root, { maxFiles: 2 }).map((file) => path.basename(file)), ['a.yaml', 'x.yml']);
    const unreadable: string[] = [];
    assert.deepEqual(findYamlFilesSync(path.join(root, 'missing'), { onUnreadable: (folder) => unreadable.push(folder) }), []);
    assert.deepEqual(unreadable, [path.join(root, 'missing')]);
  });
});
