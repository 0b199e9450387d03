/**
 * bin/replicated-registries, the command npm installs: before loading the bundle it refuses a Node.js
 * older than package.json's `engines` with a plain message (npm itself only warns), and says how to
 * build when the bundle is missing (a checkout).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';

const ROOT = path.resolve(import.meta.dirname, '../..');
const dirs: string[] = [];

/** A copy of the entry script in a package whose package.json asks for `engine` and has no dist/. */
function packageAsking(engine: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rr-bin-'));
  dirs.push(dir);
  mkdirSync(path.join(dir, 'bin'));
  copyFileSync(path.join(ROOT, 'bin', 'replicated-registries'), path.join(dir, 'bin', 'replicated-registries'));
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'replicated-registries', engines: { node: engine } }));
  return path.join(dir, 'bin', 'replicated-registries');
}

void after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

void describe('bin/replicated-registries', () => {
  void it('refuses an older Node.js than engines asks, naming both versions', () => {
    const ran = spawnSync(process.execPath, [packageAsking('>=99.1.2'), '--version'], { encoding: 'utf8' });
    assert.equal(ran.status, 2);
    assert.equal(ran.stdout, '');
    assert.equal(ran.stderr, `replicated-registries: needs Node.js 99.1.2 or newer, this is ${process.versions.node}; install a current Node.js LTS and run it again\n`);
  });

  void it('with a new enough Node.js, goes on to the bundle (here missing: says how to build it)', () => {
    const ran = spawnSync(process.execPath, [packageAsking(`>=${process.versions.node}`), '--version'], { encoding: 'utf8' });
    assert.equal(ran.status, 2);
    assert.match(ran.stderr, /the CLI is not built yet; run `npm run build`/);
  });
});
