import assert from 'node:assert/strict';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { findYamlFiles, findYamlFilesSync } from '../../server/src/workspace/yamlFiles';

let root: string;

async function write(relative: string, text = 'a: 1\n'): Promise<void> {
  const full = path.join(root, relative);
  await mkdir(path.dirname(full), { recursive: true });
  await writeFile(full, text);
}

void before(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'rr-yaml-files-'));
  await write('.gitignore', 'build/\n*.generated.yaml\n');
  await write('a.yaml');
  await write('b-dir/x.yml');
  await write('b.yaml');
  await write('build/out.yaml');
  await write('c/keep.yaml');
  await write('c/skip.generated.yaml');
  await write('c/.gitignore', 'local.yaml\n/only-here/\n');
  await write('c/local.yaml');
  await write('c/only-here/x.yaml');
  await write('c/d/local.yaml');
  await write('c/d/only-here/y.yaml');
  await write('node_modules/pkg/x.yaml');
  await write('.git/x.yaml');
  await write('notes.txt');
});

void after(async () => {
  await rm(root, { recursive: true, force: true });
});

void describe('findYamlFiles', () => {
  const expected = ['a.yaml', 'b-dir/x.yml', 'b.yaml', 'c/d/only-here/y.yaml', 'c/keep.yaml'];

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
