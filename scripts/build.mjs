// Builds one bundle per side with esbuild: the extension client, the language server, the CLI.
// `vscode` stays external (the host provides it); everything else is bundled, so no node_modules ship.
import * as esbuild from 'esbuild';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { registriesSchemaValidatorPlugin } from './registriesSchemaValidatorPlugin.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const production = process.argv.includes('--production');
// One version for every artefact: the CLI's --version and SARIF, the server's serverInfo (server/src/version.ts).
const { version } = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: production ? false : 'linked',
  minify: production,
  logLevel: 'warning',
  absWorkingDir: root,
  legalComments: 'none',
  define: { __VERSION__: JSON.stringify(version) },
  // The registries-file schema validator is generated at build time (ajv standalone), not compiled per start.
  plugins: [registriesSchemaValidatorPlugin(root)],
};

await Promise.all([
  esbuild.build({ ...common, entryPoints: ['client/src/extension.ts'], outfile: 'dist/client.js', external: ['vscode'] }),
  // Everything heavy the extension host needs only on first use (language client, registries-file parser,
  // registry HTTP stack): kept out of client.js so activation stays fast. vscode-languageclient imports `vscode`.
  esbuild.build({ ...common, entryPoints: ['client/src/engine/clientEngine.ts'], outfile: 'dist/clientEngine.js', external: ['vscode'] }),
  esbuild.build({ ...common, entryPoints: ['server/src/server.ts'], outfile: 'dist/server.js' }),
  esbuild.build({ ...common, entryPoints: ['server/src/cli.ts'], outfile: 'dist/cli.js' }),
]);
console.log(`built dist/client.js, dist/clientEngine.js, dist/server.js, dist/cli.js${production ? ' (production)' : ''}`);
