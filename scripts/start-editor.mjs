// `npm start`'s editor: builds and packages the extension, starts a local registry with demo images,
// and opens the extension in a real VS Code in the browser (code-server on 127.0.0.1) on a copy of
// examples/ whose registries file points at that registry. Prints the URL; runs until Ctrl-C, then
// stops code-server and the registry. No account, no network beyond this machine.
// The demo (its workspace, VS Code's state, the registry's login) is kept in demo/ between runs.
// Usage: node scripts/start-editor.mjs [--port N] [--fresh]   (port default: a free one; --fresh: start over from examples/)
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { tsImport } from 'tsx/esm/api';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const portIndex = process.argv.indexOf('--port');
const port = portIndex > 0 ? Number(process.argv[portIndex + 1]) : undefined;
if (port !== undefined && !(Number.isInteger(port) && port >= 0 && port < 65536)) {
  console.error(`start-editor: --port needs a port number (0-65535), got "${process.argv[portIndex + 1] ?? ''}".`);
  process.exit(2);
}

let editor;
let stopping = false;
async function shutdown(code) {
  if (stopping) return;
  stopping = true;
  console.log('\nstopping code-server and the demo registry…');
  try {
    await editor?.stop();
  } finally {
    process.exit(code);
  }
}
// Installed before anything starts, so Ctrl-C during startup cleans up too.
process.on('SIGINT', () => void shutdown(130));
process.on('SIGTERM', () => void shutdown(143));

try {
  const { launchDemoEditor } = await tsImport(path.join(root, 'test/e2e/harness/demoEditor.ts'), import.meta.url);
  // REPLICATED_REGISTRIES_DEMO_DIR: another place for the demo (the e2e test of `npm start` uses one of its own).
  const demoDir = process.env.REPLICATED_REGISTRIES_DEMO_DIR ? path.resolve(process.env.REPLICATED_REGISTRIES_DEMO_DIR) : undefined;
  editor = await launchDemoEditor({ port, fresh: process.argv.includes('--fresh'), ...(demoDir ? { demoDir } : {}) });
  if (stopping) await editor.stop();
} catch (error) {
  console.error(`start-editor: ${error instanceof Error ? error.message : String(error)}`);
  await shutdown(1);
}

console.log(`
Replicated Registries is running in VS Code (code-server) — open:

  ${editor.url}

Workspace:      ${path.relative(root, editor.workspaceDir)} — ${editor.freshWorkspace ? 'a fresh copy of examples/' : 'kept from your last run, with your edits'}; it stays for the next
                npm start (\`npm start -- --fresh\` starts over from examples/)
Demo registry:  ${editor.registryHost} (plain HTTP, slug "demo-local"; its login is in the demo's Docker config —
                run "Replicated: Import from Docker Config" to put it in VS Code's keychain)
VSIX:           ${path.relative(root, editor.vsixPath)} (${(editor.vsixBytes / 1024).toFixed(1)} KiB)

Press Ctrl-C to stop.`);
// Keeps the process alive until a signal arrives (code-server runs in its own process group).
setInterval(() => undefined, 1 << 30);
