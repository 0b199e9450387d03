// `npm run demo`: the engine from a terminal, end to end, against a registry of its own.
// 1. installs what is missing (scripts/setup.mjs: Debian packages when root, node_modules, the build),
// 2. starts a local registry (htpasswd over TLS with a throwaway CA) holding demo/hello:1.0,
// 3. in a throwaway workspace under .cache/demo (its own .replicated-registries.yaml, DOCKER_CONFIG inside
//    .cache/demo so ~/.docker is never touched) runs the CLI: `registry add other`, `registry test` on the
//    demo image, and `registry test` on an image that does not exist, printing the verdicts,
// 4. stops the registry.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { ensureSetup, say } from './setup.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const demoDir = path.join(root, '.cache', 'demo');
const workspaceDir = path.join(demoDir, 'workspace');
const dockerConfigDir = path.join(demoDir, 'docker');
const cli = path.join(root, 'bin', 'replicated-registries');

// --- 1. what the demo needs ---------------------------------------------------------------------------
await ensureSetup({ editor: false });

// --- 2. the demo registry ------------------------------------------------------------------------------
say('Starting a local registry (htpasswd over TLS, self-signed CA) with the image demo/hello:1.0');
rmSync(demoDir, { recursive: true, force: true });
mkdirSync(workspaceDir, { recursive: true });
mkdirSync(dockerConfigDir, { recursive: true, mode: 0o700 });
// A throwaway password for a throwaway registry; it goes to children only through env and stdin.
const demoPassword = randomBytes(12).toString('base64url');
const demo = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'test', 'harness', 'demo.ts')], {
  cwd: root,
  env: { ...process.env, DEMO_REGISTRY_PASSWORD: demoPassword },
  stdio: ['pipe', 'pipe', 'inherit'],
});
const demoExited = new Promise((resolve) => demo.once('exit', (code, signal) => resolve(code ?? signal)));
// Never leave the registry behind, whatever happens below. SIGTERM, not SIGKILL: demo.ts then stops its registry.
process.once('exit', () => demo.kill('SIGTERM'));

const ready = await new Promise((resolve) => {
  const lines = createInterface({ input: demo.stdout });
  lines.on('line', (line) => {
    try {
      resolve(JSON.parse(line));
    } catch {
      process.stdout.write(`${line}\n`); // not the ready line: pass it through
    }
  });
  void demoExited.then(() => resolve(undefined));
});
if (!ready) {
  process.stderr.write(`npm run demo: the demo registry did not start (exit ${await demoExited}); see the error above.\n`);
  process.exit(1);
}
const caFile = path.join(demoDir, 'ca.crt');
copyFileSync(ready.caFile, caFile);
writeFileSync(
  path.join(workspaceDir, '.replicated-registries.yaml'),
  '# Throwaway workspace made by `npm run demo`; safe to delete.\napp: demo\nregistries: []\n',
);
process.stdout.write(`registry: ${ready.url}  image: ${ready.image}  digest: ${ready.digest}\nworkspace: ${workspaceDir}\nDOCKER_CONFIG: ${dockerConfigDir}\n`);

// --- 3. the CLI, as a vendor would run it --------------------------------------------------------------
const cliEnv = { ...process.env, DOCKER_CONFIG: dockerConfigDir };
const cliOutput = [];
function runCli(args, input) {
  process.stdout.write(`\n$ replicated-registries ${args.join(' ')}${input === undefined ? '' : '   (password on stdin)'}\n`);
  const result = spawnSync(cli, args, { cwd: workspaceDir, env: cliEnv, input: input ?? '', encoding: 'utf8' });
  process.stdout.write(result.stdout ?? '');
  process.stderr.write(result.stderr ?? '');
  cliOutput.push(result.stdout ?? '', result.stderr ?? '');
  const status = result.status ?? 1;
  process.stdout.write(`(exit ${status})\n`);
  return status;
}

const addStatus = runCli(['registry', 'add', 'other', '--endpoint', ready.host, '--name', 'local-demo', '--username', 'demo', '--password-stdin', '--ca-file', caFile], demoPassword);
const okStatus = addStatus === 0 ? runCli(['registry', 'test', 'local-demo', '--image', 'demo/hello:1.0']) : 1;
const missingStatus = addStatus === 0 ? runCli(['registry', 'test', 'local-demo', '--image', 'demo/does-not-exist:1.0']) : 1;

// The password may live only in the credential store (DOCKER_CONFIG); never in output or the workspace file.
const secretForms = [demoPassword, Buffer.from(`demo:${demoPassword}`).toString('base64')];
const leaks = [
  ['the CLI output', cliOutput.join('')],
  ['.replicated-registries.yaml', readFileSync(path.join(workspaceDir, '.replicated-registries.yaml'), 'utf8')],
].filter(([, text]) => secretForms.some((form) => text.includes(form)));
for (const [where] of leaks) process.stderr.write(`npm run demo: the demo password leaked into ${where}; that is a bug, please report it.\n`);
if (leaks.length === 0) process.stdout.write(`\nsecret check: the password is in neither the CLI output nor the workspace file (only in ${dockerConfigDir}).\n`);

// --- 4. stop ---------------------------------------------------------------------------------------------
say('Stopping the local registry');
demo.stdin.end();
await demoExited;

const asExpected = addStatus === 0 && okStatus === 0 && missingStatus === 1 && leaks.length === 0;
if (asExpected) {
  say('Done: the demo image passed the pull check and the missing one failed with its verdict, as expected.');
} else {
  process.stderr.write(
    `\nnpm run demo: unexpected results (add exit ${addStatus}, test of demo/hello:1.0 exit ${okStatus}, test of a missing image exit ${missingStatus}; expected 0, 0, 1).\n` +
      `The workspace is kept in ${workspaceDir} for a look; run \`npm start\` again after a fix.\n`,
  );
}
process.exit(asExpected ? 0 : 1);
