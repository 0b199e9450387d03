/**
 * The npm package as a user gets it: `npm pack` of the checkout (its `prepack` builds the production
 * bundles), then `npm install -g <tarball>` into an empty prefix with `--offline`, so the install proves
 * it needs nothing from any registry (no runtime dependency). Used by the package, Action and GitLab tests.
 */
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { runChecked } from './processes';

export const repoRoot = path.resolve(__dirname, '..', '..');

export interface PackageManifest {
  name: string;
  version: string;
  files: string[];
  bin: Record<string, string>;
  engines: Record<string, string>;
  dependencies?: Record<string, string>;
}

export function packageManifest(): PackageManifest {
  return JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as PackageManifest;
}

/** `npm pack` into `destination`; returns the tarball's path. */
export async function packCli(destination: string): Promise<string> {
  // --json: stdout is only the report (the project's .npmrc keeps the prepack build's output off stdout).
  const { stdout } = await runChecked('npm', ['pack', '--json', '--pack-destination', destination], { cwd: repoRoot, timeoutMs: 180_000 });
  const [report] = JSON.parse(stdout) as Array<{ filename: string }>;
  if (!report) throw new Error(`npm pack printed no report: ${stdout}`);
  return path.join(destination, report.filename);
}

export interface InstalledCli {
  /** The installed command, `<prefix>/bin/replicated-registries`. */
  command: string;
  /** Where npm put the package: `<prefix>/lib/node_modules/<name>`. */
  packageDir: string;
  /** A PATH with the prefix's bin first, then this Node.js, then the system's. */
  path: string;
}

/** Installs `tarball` globally into `prefix`, as `npm install -g` does, with no network at all. */
export async function installCli(tarball: string, prefix: string): Promise<InstalledCli> {
  await runChecked('npm', ['install', '--global', '--prefix', prefix, '--offline', '--no-audit', '--no-fund', tarball], { timeoutMs: 180_000 });
  const manifest = packageManifest();
  return {
    command: path.join(prefix, 'bin', Object.keys(manifest.bin)[0] ?? manifest.name),
    packageDir: path.join(prefix, 'lib', 'node_modules', manifest.name),
    path: [path.join(prefix, 'bin'), path.dirname(process.execPath), '/usr/local/bin', '/usr/bin', '/bin'].join(path.delimiter),
  };
}

/** The user and image a checked app's registry holds (see writeCheckedApp). */
export const CHECKED_APP_USER = 'ci-bot';

/**
 * A small Replicated app as a CI job checks it, against `registryHost` (slug `lab`, TLS with `caFile`):
 * `team/app:v1` must exist there. Expected findings: tag-not-found (error) for `team/app:v9` when online,
 * tag-latest (warning) for `nginx:latest` always. `credentialsEnv` is what a job sets from its secrets.
 */
export function writeCheckedApp(root: string, registryHost: string, caFile: string, password: string): { credentialsEnv: Record<string, string>; deployment: string } {
  mkdirSync(path.join(root, 'certs'), { recursive: true });
  mkdirSync(path.join(root, 'manifests'), { recursive: true });
  copyFileSync(caFile, path.join(root, 'certs', 'lab-ca.pem'));
  writeFileSync(
    path.join(root, '.replicated-registries.yaml'),
    `app: acme\nregistries:\n  - slug: lab\n    provider: other\n    endpoint: ${registryHost}\n    authType: password\n    username: ${CHECKED_APP_USER}\n    caFile: certs/lab-ca.pem\npublic: [docker.io/library]\n`,
  );
  const deployment = [
    'apiVersion: apps/v1',
    'kind: Deployment',
    'metadata:',
    '  name: api',
    'spec:',
    '  template:',
    '    spec:',
    '      containers:',
    '        - name: api',
    `          image: ${registryHost}/team/app:v1`,
    '        - name: worker',
    `          image: ${registryHost}/team/app:v9`,
    '        - name: proxy',
    '          image: nginx:latest',
    '',
  ].join('\n');
  writeFileSync(path.join(root, 'manifests', 'deploy.yaml'), deployment);
  return {
    deployment,
    // Host-bound, as the credentials issue requires: _HOST names the only host the login may go to.
    credentialsEnv: { REPLICATED_REGISTRIES_LAB_HOST: registryHost, REPLICATED_REGISTRIES_LAB_USERNAME: CHECKED_APP_USER, REPLICATED_REGISTRIES_LAB_PASSWORD: password },
  };
}
