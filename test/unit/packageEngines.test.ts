/**
 * A clean first `npm ci` (what `npm start` runs on a fresh machine) prints no engine warning: every package
 * in package-lock.json accepts the Node.js this runs on. A dependency that wants a newer Node (vsce's
 * @azure/identity did) is pinned in package.json's `overrides` to a release that runs here.
 * Run: node --import tsx --test test/unit/packageEngines.test.ts
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
// @ts-expect-error -- semver ships no types; only `satisfies` is used
import semver from 'semver';

const lock = JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'package-lock.json'), 'utf8')) as { packages: Record<string, { engines?: { node?: string }; optional?: boolean }> };

void test(`every locked package accepts Node ${process.versions.node}: npm ci prints no EBADENGINE`, () => {
  const refusing = Object.entries(lock.packages)
    .filter(([name, meta]) => name !== '' && typeof meta.engines?.node === 'string' && !(semver as { satisfies(version: string, range: string): boolean }).satisfies(process.versions.node, meta.engines.node))
    .map(([name, meta]) => `${name} wants node ${meta.engines?.node ?? ''}`);
  assert.deepEqual(refusing, []);
});
