/**
 * The packaged extension under test: always rebuilt from the current sources, so the e2e tests
 * exercise exactly what `npm run package` ships (the production bundles and the allow-listed files).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from './codeServer';

export interface PackagedExtension {
  vsixPath: string;
  sizeBytes: number;
  /** `publisher.name`, as VS Code identifies the extension. */
  extensionId: string;
  version: string;
  displayName: string;
}

interface ExtensionManifest {
  name: string;
  publisher: string;
  version: string;
  displayName?: string;
}

function readManifest(): ExtensionManifest {
  return JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as ExtensionManifest;
}

function run(command: string, args: string[], what: string): void {
  const result = spawnSync(command, args, { cwd: repoRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 300_000 });
  if (result.status !== 0) {
    throw new Error(`${what} failed (exit ${result.status ?? result.signal}): ${(result.stderr || result.stdout).trim().slice(-2000)}. Fix the build, then rerun the e2e tests.`);
  }
}

/**
 * Packages the extension. `E2E_VSIX=<file>` tests a given VSIX instead (e.g. a release artifact).
 * Uses `npm run package` (scripts/package.mjs) when it exists; otherwise builds the production
 * bundles and calls vsce directly, the same way.
 */
export function packageExtension(): PackagedExtension {
  const manifest = readManifest();
  const extensionId = `${manifest.publisher}.${manifest.name}`;
  let vsixPath = process.env.E2E_VSIX ? path.resolve(process.env.E2E_VSIX) : path.join(repoRoot, 'out', `${manifest.name}-${manifest.version}.vsix`);
  if (!process.env.E2E_VSIX) {
    if (existsSync(path.join(repoRoot, 'scripts', 'package.mjs'))) {
      run(process.execPath, ['scripts/package.mjs'], '`npm run package`');
    } else {
      run(process.execPath, ['scripts/build.mjs', '--production'], 'the production build');
      run(process.execPath, [
        path.join(repoRoot, 'node_modules', '@vscode', 'vsce', 'vsce'),
        'package', '--no-dependencies', '--allow-missing-repository', '--skip-license', '--allow-star-activation', '-o', vsixPath,
      ], '`vsce package`');
    }
  }
  if (!existsSync(vsixPath)) {
    vsixPath = path.join(repoRoot, `${manifest.name}-${manifest.version}.vsix`);
    if (!existsSync(vsixPath)) throw new Error(`no VSIX at out/${manifest.name}-${manifest.version}.vsix after packaging; check scripts/package.mjs's output path.`);
  }
  return {
    vsixPath,
    sizeBytes: statSync(vsixPath).size,
    extensionId,
    version: manifest.version,
    displayName: manifest.displayName ?? manifest.name,
  };
}
