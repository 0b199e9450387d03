// `npm start`: the main job on a fresh machine, with no account and no network beyond this machine.
// Installs what is missing (scripts/setup.mjs), then scripts/start-editor.mjs builds and packages the
// extension, starts a local registry with demo images, and opens the extension in a real VS Code in
// the browser (code-server on 127.0.0.1) on a copy of examples/, printing the URL. Ctrl-C stops it all.
// Arguments are passed on (e.g. `npm start -- --port 8080`). `npm run demo` is the same story in a terminal.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureSetup } from './setup.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
await ensureSetup({ editor: true });

// A separate process: start-editor imports tsx, which exists only after the setup above.
const editor = spawn(process.execPath, [path.join(root, 'scripts', 'start-editor.mjs'), ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => editor.kill(signal));
editor.on('exit', (code, signal) => process.exit(code ?? (signal ? 128 : 1)));
