import assert from 'node:assert/strict';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { findYamlFiles, findYamlFilesSync, namesFoldersOnly } from '../../server/src/workspace/yamlFiles';
import ignore from 'ignore';
import { seededRandom } from '../fixtures/random';
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
  // A folder whose name starts with two dots (Kubernetes' ..data) is below its .gitignore like any other.
  'c/..data/local.yaml': YAML,
  'c/..data/kept.yaml': YAML,
  'node_modules/pkg/x.yaml': YAML,
  '.git/x.yaml': YAML,
  'notes.txt': YAML,
});
const root = workspace.root;

void after(() => workspace.dispose());

void describe('findYamlFiles', () => {
  const expected = ['a.yaml', 'b-dir/x.yml', 'b.yaml', 'c/..data/kept.yaml', 'c/d/kept/deep.yaml', 'c/d/only-here/y.yaml', 'c/keep.yaml'];

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

  void it('a .gitignore naming only folders (no file can match it) finds what asking about every file finds', () => {
    const folders = tempWorkspace({
      '.gitignore': '# folders\nout/\n/top/  \n\n!keep/\n',
      'out.yaml': YAML,
      'top.yaml': YAML,
      'a/out/x.yaml': YAML,
      'a/top/y.yaml': YAML,
      'top/z.yaml': YAML,
      'keep/k.yaml': YAML,
    });
    try {
      const found = findYamlFilesSync(folders.root).map((file) => path.relative(folders.root, file).split(path.sep).join('/'));
      assert.deepEqual(found, ['a/top/y.yaml', 'keep/k.yaml', 'out.yaml', 'top.yaml']);
    } finally {
      folders.dispose();
    }
  });

  void it('tells a .gitignore of literal folder paths from one with any other rule', () => {
    for (const text of ['', 'build/\n', '# c\n\nbuild/\n/out/  \r\n!keep/\nnode_modules/\n', 'a/b/\n']) assert.equal(namesFoldersOnly(text), true, JSON.stringify(text));
    for (const text of ['*.log\n', 'build/\nsecret.yaml\n', 'build\n', '**/tmp/\n', 'a/*/\n', 'x?/\n', '[ab]/\n', 'foo\\ /\n', '/\n', '!/\n', 'build/\t\n']) assert.equal(namesFoldersOnly(text), false, JSON.stringify(text));
  });
});

void describe('findYamlFiles with a .gitignore of folders only (asked of `ignore` only for a folder a rule names)', () => {
  // Folder names in several cases and shapes; rules that are literal folder paths, anchored or not, negated,
  // in other cases, with names `ignore` must be asked about (not plain ASCII names).
  const NAMES = ['build', 'Build', 'out', 'OUT', 'keep', 'deep', 'a', 'b', 'dé', 'x y', 'v1.2', '..data'];
  const RULES = ['build/', 'BUILD/', '/out/', 'a/deep/', '!keep/', 'keep/', 'deep/', '!build/', 'dé/', 'x y/', '/a/b/', 'v1.2/', '# note'];
  const random = seededRandom(12);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;

  void it('finds what the `ignore` package alone says is not ignored, on 40 generated trees', () => {
    for (let round = 0; round < 40; round++) {
      const gitignore = Array.from({ length: 1 + Math.floor(random() * 4) }, () => pick(RULES)).join('\n') + '\n';
      assert.equal(namesFoldersOnly(gitignore), true, gitignore);
      const files: Record<string, string> = { '.gitignore': gitignore };
      for (let i = 0; i < 12; i++) {
        const depth = 1 + Math.floor(random() * 3);
        files[`${Array.from({ length: depth }, () => pick(NAMES)).join('/')}/f${i}.yaml`] = YAML;
      }
      const tree = tempWorkspace(files);
      try {
        // Expected: a file is found unless `ignore` ignores one of the folders above it (git never enters those).
        const rules = ignore().add(gitignore);
        const expected = Object.keys(files)
          .filter((file) => file.endsWith('.yaml'))
          .filter((file) => {
            const folders = file.split('/').slice(0, -1);
            return !folders.some((_, i) => rules.ignores(`${folders.slice(0, i + 1).join('/')}/`));
          })
          .sort();
        const found = findYamlFilesSync(tree.root).map((file) => path.relative(tree.root, file).split(path.sep).join('/')).sort();
        assert.deepEqual(found, expected, gitignore);
      } finally {
        tree.dispose();
      }
    }
  });
});
