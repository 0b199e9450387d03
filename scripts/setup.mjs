// What `npm start` and `npm run demo` need on a fresh machine, installed only when missing:
// Debian packages (when root; otherwise the exact sudo line), node_modules, and a fresh build.
// The editor additionally needs libkrb5-dev, which code-server's native modules build against
// (code-server itself is installed into .cache/e2e by scripts/e2e-setup.mjs on first use).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export const say = (text) => process.stdout.write(`\n\x1b[1m▶ ${text}\x1b[0m\n`);

export function runOrExit(command, args, what) {
  process.stdout.write(`$ ${[command, ...args].join(' ')}\n`);
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  if (result.status !== 0) {
    process.stderr.write(`setup: ${what} failed (exit ${result.status ?? result.signal}); fix the error above and run the command again.\n`);
    process.exit(1);
  }
}

/** Newest modification time under a folder (the build is stale when a source is newer than the bundle). */
function newestMtime(dir) {
  let newest = 0;
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name);
    const stat = statSync(full);
    newest = Math.max(newest, stat.isDirectory() ? newestMtime(full) : stat.mtimeMs);
  }
  return newest;
}

export async function ensureSetup({ editor }) {
  const tools = {
    '/usr/bin/docker-registry': 'docker-registry',
    '/usr/bin/skopeo': 'skopeo',
    '/usr/bin/htpasswd': 'apache2-utils',
    '/usr/bin/openssl': 'openssl',
    ...(editor ? { '/usr/include/krb5.h': 'libkrb5-dev', '/usr/bin/make': 'make', '/usr/bin/g++': 'g++', '/usr/bin/python3': 'python3' } : {}),
  };
  const missing = Object.entries(tools).filter(([file]) => !existsSync(file)).map(([, pkg]) => pkg);
  if (missing.length > 0) {
    if (process.getuid?.() === 0) {
      say(`Installing the Debian packages this needs: ${missing.join(' ')}`);
      runOrExit('apt-get', ['update'], 'apt-get update');
      runOrExit('apt-get', ['install', '-y', '--no-install-recommends', ...missing, 'ca-certificates'], 'apt-get install');
    } else {
      process.stderr.write(
        `setup: this needs the Debian packages ${missing.join(' ')}, and installing them needs root.\n` +
          `Run: sudo apt-get install -y --no-install-recommends ${missing.join(' ')}\nthen run the command again.\n`,
      );
      process.exit(2);
    }
  }
  if (!existsSync(path.join(root, 'node_modules', 'tsx'))) {
    say('Installing npm dependencies (npm ci)');
    runOrExit('npm', ['ci', '--no-audit', '--no-fund'], 'npm ci');
  }
  const bundles = ['cli.js', 'server.js', 'client.js'].map((b) => path.join(root, 'dist', b));
  const sourcesChanged = Math.max(newestMtime(path.join(root, 'server', 'src')), newestMtime(path.join(root, 'client', 'src')));
  if (bundles.some((b) => !existsSync(b) || statSync(b).mtimeMs < sourcesChanged)) {
    say('Building (npm run build)');
    runOrExit(process.execPath, ['scripts/build.mjs'], 'the build');
  }
}
